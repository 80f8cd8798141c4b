package io.switchboard.cassandra;

/** Stand-in for CassandraDaemon in the ParentWatchdog test: says it started, then waits forever. */
public final class SleepingMain {

    private SleepingMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("started " + String.join(" ", args));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
