package io.flotta.examples.cli;

import io.flotta.spi.FlottaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code flotta} command. */
@Command(name = "flotta", mixinStandardHelpOptions = true, version = "flotta 0.1.0",
        description = {"Edge device management: run a control plane, an agent, or the demo, and manage",
                "devices and deployments through the control plane's admin API."},
        subcommands = {ServerCommand.class, AgentCommand.class, DemoCommand.class, GetCommand.class,
                ApplyCommand.class, DeleteCommand.class, ApproveCommand.class, LabelCommand.class,
                BootstrapBundleCommand.class, GatewayCommand.class, SimulateCommand.class})
public final class FlottaCli {

    /** Exit code when a command failed for a reason it explained (unreachable server, refused, not found). */
    public static final int EXIT_FAILED = 1;

    public static void main(String[] args) {
        io.flotta.core.pki.HandshakeCryptoProvider.installUnlessDisabled();
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its error handling: a {@link FlottaException} (whose messages say what
     * to do next) is printed as one line, not as a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FlottaCli());
        cli.addSubcommand(new BackupCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof FlottaException) {
                commandLine.getErr().println("flotta " + commandLine.getCommandName() + ": " + e.getMessage());
                commandLine.getErr().flush();
                return EXIT_FAILED;
            }
            throw e;
        });
        return cli;
    }
}
