package io.flotta.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Just enough Markdown for checking the docs: fenced code blocks with their info string and the
 * line before them, and the link targets outside code.
 */
record Markdown(Path file, List<String> lines) {

    /** A fenced block: {@code info} is what follows the opening fence ({@code java}, {@code sh}…). */
    record Block(String info, int line, String before, List<String> body) {
    }

    private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
    private static final Pattern LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?");
    private static final Pattern HTML_LINK = Pattern.compile("(?:href|src)=\"([^\"]+)\"");

    static Markdown read(Path file) {
        try {
            return new Markdown(file, Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Markdown of(Path file, String text) {
        return new Markdown(file, text.lines().toList());
    }

    /** The repository root: the nearest directory up from here with docs/, README.md and pom.xml. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("docs")) && Files.isRegularFile(dir.resolve("README.md"))
                    && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (docs/, README.md, pom.xml) above "
                + Path.of("").toAbsolutePath());
    }

    /** README.md and every docs/*.md, in a stable order. */
    static List<Path> documents(Path root) {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    List<Block> blocks() {
        List<Block> blocks = new ArrayList<>();
        String fence = null;
        String info = null;
        int start = 0;
        String before = "";
        String lastText = "";
        List<String> body = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (fence == null) {
                Matcher open = Pattern.compile("^(`{3,}|~{3,})\\s*([^`\\s]*).*$").matcher(trimmed);
                if (open.matches()) {
                    fence = open.group(1);
                    info = open.group(2);
                    start = i + 1;
                    before = lastText;
                    body = new ArrayList<>();
                } else if (!trimmed.isEmpty()) {
                    lastText = trimmed;
                }
            } else if (trimmed.startsWith(fence) && trimmed.substring(fence.length()).isBlank()) {
                blocks.add(new Block(info, start, before, List.copyOf(body)));
                fence = null;
                lastText = trimmed;
            } else {
                body.add(line);
            }
        }
        if (fence != null) {
            throw new IllegalStateException(file + ":" + start + ": code block never closed");
        }
        return blocks;
    }

    /** Link targets outside code, each with its line number. */
    List<Link> links() {
        List<Link> links = new ArrayList<>();
        boolean inCode = false;
        for (int i = 0; i < lines.size(); i++) {
            String trimmed = lines.get(i).strip();
            if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
                inCode = !inCode;
                continue;
            }
            if (inCode) {
                continue;
            }
            String text = INLINE_CODE.matcher(lines.get(i)).replaceAll("");
            for (Pattern p : List.of(LINK, REFERENCE, HTML_LINK)) {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    links.add(new Link(i + 1, m.group(1)));
                }
            }
        }
        return links;
    }

    record Link(int line, String target) {

        boolean isRelative() {
            return !target.startsWith("#") && !target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
        }

        /** The target without {@code #fragment} or {@code ?query}. */
        String path() {
            String p = target;
            int cut = p.indexOf('#');
            if (cut >= 0) {
                p = p.substring(0, cut);
            }
            cut = p.indexOf('?');
            return cut >= 0 ? p.substring(0, cut) : p;
        }
    }

    String where(int line) {
        return file + ":" + line;
    }
}
