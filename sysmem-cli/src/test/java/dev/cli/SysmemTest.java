package dev.sysmem.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher: subcommands found as services, short usage errors, the documented exit codes. */
class SysmemTest {

    record Run(int exitCode, String out, String err) {
    }

    static Run execute(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    /** A subcommand of a module of its own, as litmus or replay would be. */
    static final class Echo implements SysmemCommand {
        @CommandLine.Command(name = "echo")
        static final class EchoCommand implements java.util.concurrent.Callable<Integer> {
            @CommandLine.Option(names = "--size", converter = SizeConverter.class)
            long size;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                spec.commandLine().getOut().println(size);
                return size == 13 ? ExitCode.FAILED : ExitCode.OK;
            }
        }

        @Override
        public String name() {
            return "echo";
        }

        @Override
        public CommandLine commandLine() {
            return new CommandLine(new EchoCommand());
        }
    }

    @Test
    void theSimCommandIsFoundAsAServiceOfThisModule() {
        Run help = execute(Sysmem.commandLine(), "--help");
        assertThat(help.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(help.out()).contains("Usage: sysmem [-h] COMMAND", "sim ", "Exit codes: 0 done, 1 failed");
    }

    @Test
    void aContributedCommandRunsWithTheSharedConvertersAndExitCodes() {
        List<SysmemCommand> commands = List.of(new Echo());
        Run ok = execute(Sysmem.commandLine(commands), "echo", "--size", "4K");
        assertThat(ok.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(ok.out()).isEqualTo("4096" + System.lineSeparator());
        assertThat(execute(Sysmem.commandLine(commands), "echo", "--size", "13").exitCode()).isEqualTo(ExitCode.FAILED);
        Run bad = execute(Sysmem.commandLine(commands), "echo", "--size", "4Q");
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err().lines().toList()).containsExactly(
                "sysmem echo: Invalid value for option '--size': '4Q' is not a size: use bytes, or a number with K, M or G (e.g. 4096, 4K, 1MiB, 64M)",
                "Try 'sysmem echo --help' for the options.");
    }

    @Test
    void usageErrorsAreTwoLinesAndExit2() {
        Run missing = execute(Sysmem.commandLine(List.of(new Echo())));
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err().lines().toList())
                .containsExactly("sysmem: Missing command: one of echo", "Try 'sysmem --help' for the options.");
        Run unknown = execute(Sysmem.commandLine(List.of(new Echo())), "ecko");
        assertThat(unknown.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err().lines().toList()).hasSizeBetween(2, 3).first().asString()
                .isEqualTo("sysmem: Unmatched argument at index 0: 'ecko'");
    }

    @Test
    void twoModulesCannotClaimOneName() {
        assertThatThrownBy(() -> Sysmem.commandLine(List.of(new Echo(), new Echo())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("two modules provide the sysmem command 'echo'");
    }
}
