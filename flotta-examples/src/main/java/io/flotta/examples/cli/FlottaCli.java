package io.flotta.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code flotta} command. */
@Command(name = "flotta", mixinStandardHelpOptions = true, version = "flotta 0.1.0",
        description = "Edge device management: run a control plane, an agent, or the demo.",
        subcommands = {ServerCommand.class, AgentCommand.class, DemoCommand.class})
public final class FlottaCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new FlottaCli()).execute(args));
    }
}
