package io.flotta.examples.docs;

import io.flotta.examples.cli.FlottaCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The rules docs/README.md states, each returning the problems it finds (empty when the document
 * keeps the rule), so that a test reports every problem at once and its message says what to fix.
 */
final class DocsChecks {

    /** The comment that names the compiled source a {@code java} block shows. */
    static final Pattern SAMPLE = Pattern.compile("^<!--\\s*sample:\\s*(\\S+?)#(\\S+)\\s*-->$");
    /** Shell blocks whose {@code flotta} command lines must parse. */
    static final Set<String> SHELL = Set.of("sh", "bash", "shell", "console");
    /** How the docs call the command: the launcher script or the command's own name. */
    static final Set<String> FLOTTA = Set.of("flotta", "scripts/flotta", "./scripts/flotta");

    private static final Set<String> SHELL_KEYWORDS = Set.of("until", "while", "if", "then", "do", "else", "elif",
            "!", "time", "exec", "nohup");
    private static final Pattern HEREDOC = Pattern.compile("<<-?\\s*(['\"]?)(\\w+)\\1");

    private final Path root;

    DocsChecks(Path root) {
        this.root = root;
    }

    /** (a) Every {@code java} block is preceded by a sample marker and equals that tagged region. */
    List<String> samples(Markdown doc) {
        List<String> problems = new ArrayList<>();
        for (Markdown.Block block : doc.blocks()) {
            if (!block.info().equals("java")) {
                continue;
            }
            Matcher marker = SAMPLE.matcher(block.before());
            if (!marker.matches()) {
                problems.add(doc.where(block.line()) + ": a ```java block needs `<!-- sample: PATH#TAG -->` on the "
                        + "line before it, naming a tagged region of a compiled source");
                continue;
            }
            String path = marker.group(1);
            String tag = marker.group(2);
            if (!path.matches("[\\w.-]+/src/(main|test)/java/.+\\.java")) {
                problems.add(doc.where(block.line()) + ": sample " + path + " is not a compiled source "
                        + "(MODULE/src/main/java/… or MODULE/src/test/java/…)");
                continue;
            }
            Path source = root.resolve(path);
            if (!Files.isRegularFile(source)) {
                problems.add(doc.where(block.line()) + ": sample " + path + " does not exist");
                continue;
            }
            List<String> region = region(source, tag);
            if (region == null) {
                problems.add(doc.where(block.line()) + ": " + path + " has no region `// tag::" + tag
                        + "[]` … `// end::" + tag + "[]`");
            } else if (!normalised(region).equals(normalised(block.body()))) {
                problems.add(doc.where(block.line()) + ": the block differs from " + path + "#" + tag
                        + "; the compiled code is:\n" + String.join("\n", dedented(region)));
            }
        }
        return problems;
    }

    /** (b) Every relative link points to an existing file or directory. */
    List<String> links(Markdown doc) {
        List<String> problems = new ArrayList<>();
        Path dir = doc.file().getParent();
        for (Markdown.Link link : doc.links()) {
            if (!link.isRelative() || link.path().isEmpty()) {
                continue;
            }
            Path target = dir.resolve(link.path()).normalize();
            if (!target.startsWith(root) || !Files.exists(target)) {
                problems.add(doc.where(link.line()) + ": link " + link.target() + " points to nothing ("
                        + root.relativize(target.startsWith(root) ? target : root) + ")");
            }
        }
        return problems;
    }

    /** (c) Every {@code flotta …} command line in a shell block parses with the real command model. */
    List<String> commands(Markdown doc) {
        List<String> problems = new ArrayList<>();
        for (Markdown.Block block : doc.blocks()) {
            if (!SHELL.contains(block.info())) {
                continue;
            }
            for (Command command : flottaCommands(block)) {
                try {
                    FlottaCli.commandLine().parseArgs(command.args().toArray(String[]::new));
                } catch (CommandLine.ParameterException e) {
                    problems.add(doc.where(command.line()) + ": `flotta " + String.join(" ", command.args())
                            + "` does not parse: " + e.getMessage());
                }
            }
        }
        return problems;
    }

    /** A {@code flotta} invocation in a shell block: its arguments and the line it starts on. */
    record Command(int line, List<String> args) {
    }

    /**
     * The {@code flotta} invocations of a shell block: lines joined at trailing backslashes,
     * comments and here-documents dropped, split at {@code && || ; | &}, leading keywords
     * ({@code until}, {@code if}…), variable assignments and redirections removed.
     */
    static List<Command> flottaCommands(Markdown.Block block) {
        List<Command> commands = new ArrayList<>();
        String heredoc = null;
        StringBuilder logical = new StringBuilder();
        int logicalStart = 0;
        for (int i = 0; i < block.body().size(); i++) {
            String line = block.body().get(i);
            if (heredoc != null) {
                if (line.strip().equals(heredoc)) {
                    heredoc = null;
                }
                continue;
            }
            if (logical.isEmpty()) {
                logicalStart = block.line() + 1 + i;
            }
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            // a console transcript's prompt is not part of the command
            logical.append(logical.isEmpty() && line.startsWith("$ ") ? line.substring(2) : line);
            String text = logical.toString();
            logical.setLength(0);
            Matcher here = HEREDOC.matcher(text);
            if (here.find()) {
                heredoc = here.group(2);
                text = text.substring(0, here.start()) + text.substring(here.end());
            }
            for (List<String> words : simpleCommands(text)) {
                int first = 0;
                while (first < words.size() && (SHELL_KEYWORDS.contains(words.get(first))
                        || words.get(first).matches("[A-Za-z_][A-Za-z0-9_]*=.*"))) {
                    first++;
                }
                if (first < words.size() && FLOTTA.contains(words.get(first))) {
                    commands.add(new Command(logicalStart, List.copyOf(words.subList(first + 1, words.size()))));
                }
            }
        }
        return commands;
    }

    /** The simple commands of one shell line, each as its words (quotes removed, no expansion). */
    static List<List<String>> simpleCommands(String line) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean dropNext = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                if (end < 0) {
                    end = line.length();
                }
                word.append(line, i + 1, end);
                inWord = true;
                i = end + 1;
                continue;
            }
            if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(i + 1));
                inWord = true;
                i += 2;
                continue;
            }
            if (c == '#' && !inWord) {
                break;
            }
            boolean redirect = c == '>' || c == '<';
            boolean operator = c == ';' || c == '|' || c == '&';
            if (Character.isWhitespace(c) || redirect || operator) {
                String fd = inWord && redirect && word.toString().matches("\\d+") ? word.toString() : null;
                if (inWord && fd == null) {
                    if (dropNext) {
                        dropNext = false;
                    } else {
                        words.add(word.toString());
                    }
                }
                word.setLength(0);
                inWord = false;
                if (redirect) {
                    i++;
                    if (i < line.length() && line.charAt(i) == '>') {
                        i++;
                    }
                    if (i < line.length() && line.charAt(i) == '&') {
                        // >&2, 2>&1: a descriptor, not a file name
                        i++;
                        while (i < line.length() && (Character.isDigit(line.charAt(i)) || line.charAt(i) == '-')) {
                            i++;
                        }
                    } else {
                        dropNext = true;
                    }
                    continue;
                }
                if (operator) {
                    if (!words.isEmpty()) {
                        commands.add(words);
                    }
                    words = new ArrayList<>();
                    i += i + 1 < line.length() && (line.charAt(i + 1) == '&' || line.charAt(i + 1) == '|') ? 2 : 1;
                    continue;
                }
                i++;
                continue;
            }
            word.append(c);
            inWord = true;
            i++;
        }
        if (inWord && !dropNext) {
            words.add(word.toString());
        }
        if (!words.isEmpty()) {
            commands.add(words);
        }
        return commands;
    }

    /** The lines between {@code // tag::TAG[]} and {@code // end::TAG[]}, other tag lines left out; null if absent. */
    static List<String> region(Path source, String tag) {
        List<String> lines;
        try {
            lines = Files.readAllLines(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.equals("// tag::" + tag + "[]")) {
                start = i;
            } else if (start >= 0 && t.equals("// end::" + tag + "[]")) {
                return lines.subList(start + 1, i).stream()
                        .filter(l -> !l.strip().matches("// (tag|end)::[\\w.-]+\\[]")).toList();
            }
        }
        return null;
    }

    /** Lines compared without their indentation, runs of blanks or empty lines. */
    static List<String> normalised(List<String> lines) {
        return lines.stream().map(l -> l.strip().replaceAll("\\s+", " ")).filter(l -> !l.isEmpty()).toList();
    }

    /** {@code lines} with their common indentation removed, for pasting into a doc. */
    static List<String> dedented(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
