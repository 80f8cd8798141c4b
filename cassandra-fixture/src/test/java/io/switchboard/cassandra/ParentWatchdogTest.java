package io.switchboard.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParentWatchdogTest {

    @Test
    void childRunsItsMainAndHaltsOnceTheParentProcessIsGone() throws Exception {
        Process parent = new ProcessBuilder("sleep", "600").start();
        String classpath = CassandraJvm.fixtureCodeLocation() + File.pathSeparator
                + Path.of(SleepingMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, ParentWatchdog.class.getName(), Long.toString(parent.pid()),
                SleepingMain.class.getName(), "--some-arg")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("started --some-arg");

            parent.destroyForcibly().waitFor();

            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child halted after its parent died").isTrue();
            assertThat(child.exitValue()).isEqualTo(143);
        } finally {
            parent.destroyForcibly();
            child.destroyForcibly();
        }
    }
}
