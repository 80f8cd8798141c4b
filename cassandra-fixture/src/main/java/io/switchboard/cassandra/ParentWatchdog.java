package io.switchboard.cassandra;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Main class of a test Cassandra JVM: {@code ParentWatchdog <parentPid> <mainClass> [args...]}.
 *
 * <p>Starts a daemon thread that halts this JVM as soon as the parent (the test JVM) is gone, then
 * runs the real main class. A test JVM killed with SIGKILL (Surefire timeout, Ctrl-C of a fork,
 * OOM killer) runs no shutdown hook; without this its Cassandra would live on as an orphan holding
 * memory and ports on a machine shared by parallel builds. Halting is fine: test data is disposable.
 * Runs inside the Cassandra JVM, so it may use only the JDK.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchdog <parentPid> <mainClass> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        if (parent.isEmpty()) {
            System.err.println("Parent process " + parentPid + " is already gone; not starting.");
            System.exit(1);
        }
        Thread watcher = new Thread(() -> {
            parent.get().onExit().join();
            System.err.println("Parent process " + parentPid + " exited; halting this Cassandra.");
            Runtime.getRuntime().halt(143);
        }, "switchboard-parent-watchdog");
        watcher.setDaemon(true);
        watcher.start();

        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
