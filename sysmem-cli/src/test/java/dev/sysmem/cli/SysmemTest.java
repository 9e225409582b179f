package dev.sysmem.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher: subcommands found as services, short usage errors, the documented exit codes. */
class SysmemTest {

    record Run(int exitCode, String out, String err) {
    }

    /** Runs {@code sysmem ARGS} with exactly these subcommands, as the launcher does. */
    static Run launch(List<SysmemCommand> commands, String... args) {
        return execute(Sysmem.commandLine(commands, args), args);
    }

    static Run execute(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    /** A subcommand of a module of its own, as litmus or replay would be; counts how often it is built. */
    static final class Echo implements SysmemCommand {
        private final String name;
        int built;

        Echo() {
            this("echo");
        }

        Echo(String name) {
            this.name = name;
        }

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
            return name;
        }

        @Override
        public CommandLine commandLine() {
            built++;
            return new CommandLine(new EchoCommand()).setCommandName(name);
        }

        @Override
        public String description() {
            return "Prints the --size it is given, in bytes.";
        }
    }

    @Test
    void theSimCommandIsFoundAsAServiceOfThisModule() {
        Run help = execute(Sysmem.commandLine("--help"), "--help");
        assertThat(help.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(help.out()).contains("Usage: sysmem [-h] COMMAND", "sim ", "Exit codes: 0 done, 1 failed");
    }

    @Test
    void aContributedCommandRunsWithTheSharedConvertersAndExitCodes() {
        Run ok = launch(List.of(new Echo()), "echo", "--size", "4K");
        assertThat(ok.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(ok.out()).isEqualTo("4096" + System.lineSeparator());
        assertThat(launch(List.of(new Echo()), "echo", "--size", "13").exitCode()).isEqualTo(ExitCode.FAILED);
        Run bad = launch(List.of(new Echo()), "echo", "--size", "4Q");
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err().lines().toList()).containsExactly(
                "sysmem echo: Invalid value for option '--size': '4Q' is not a size: use bytes, or a number with K, M or G (e.g. 4096, 4K, 1MiB, 64M)",
                "Try 'sysmem echo --help' for the options.");
    }

    @Test
    void usageErrorsAreTwoLinesAndExit2() {
        Run missing = launch(List.of(new Echo()));
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err().lines().toList())
                .containsExactly("sysmem: Missing command: one of echo", "Try 'sysmem --help' for the options.");
        Run unknown = launch(List.of(new Echo()), "ecko");
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

    @Test
    void onlyTheNamedSubcommandIsBuiltAndHelpListsEveryOneWithoutBuildingIt() {
        Echo echo = new Echo();
        Echo other = new Echo("other");
        Run help = launch(List.of(echo, other), "--help");
        assertThat(help.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(help.out()).contains("  echo   Prints the --size it is given, in bytes.",
                "  other  Prints the --size it is given, in bytes.");
        assertThat(echo.built + other.built).isZero();

        Run ok = launch(List.of(echo, other), "other", "--size", "1K");
        assertThat(ok.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(ok.out()).isEqualTo("1024" + System.lineSeparator());
        assertThat(other.built).isOne();
        assertThat(echo.built).isZero();
    }

    @Test
    void anArgumentFileNamesTheSubcommandOnlyWhenParsedSoEveryOneIsBuilt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("args"), "echo --size 2K");
        Echo echo = new Echo();
        Echo other = new Echo("other");
        Run run = launch(List.of(echo, other), "@" + file);
        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).isEqualTo("2048" + System.lineSeparator());
        assertThat(echo.built).isOne();
        assertThat(other.built).isOne();
    }

    @Test
    void theDefaultDescriptionIsTheFirstLineOfTheBuiltCommands() {
        SysmemCommand described = new SysmemCommand() {
            @Override
            public String name() {
                return "described";
            }

            @Override
            public CommandLine commandLine() {
                CommandLine cli = new CommandLine(CommandLine.Model.CommandSpec.create().name("described"));
                cli.getCommandSpec().usageMessage().description("First line.", "Second line.");
                return cli;
            }
        };
        assertThat(described.description()).isEqualTo("First line.");
    }
}
