/**
 * The {@code sysmem} launcher and the device simulator's commands. Subcommands are services: a
 * module that {@code provides dev.sysmem.cli.SysmemCommand} on the launcher's module path becomes
 * a subcommand.
 */
module dev.sysmem.cli {
    requires transitive dev.sysmem.sim;
    requires transitive info.picocli;

    exports dev.sysmem.cli;
    exports dev.sysmem.sim.cli;
    // picocli reads and writes the commands' annotated fields reflectively.
    opens dev.sysmem.cli to info.picocli;
    opens dev.sysmem.sim.cli to info.picocli;

    uses dev.sysmem.cli.SysmemCommand;
    provides dev.sysmem.cli.SysmemCommand with dev.sysmem.sim.cli.SimCommand;
}
