package io.flotta.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps README.md and docs/*.md true to the code (the rules are in docs/README.md): {@code java}
 * blocks are copies of tagged regions of compiled sources, relative links lead somewhere,
 * {@code flotta} command lines in shell blocks parse with the real command model, and the docs
 * index lists every document.
 */
class DocsTest {

    private static final Path ROOT = Markdown.repositoryRoot();
    private final DocsChecks checks = new DocsChecks(ROOT);

    @Test
    void javaBlocksAreTheCompiledSamplesTheyName() {
        assertNoProblems(doc -> checks.samples(doc));
    }

    @Test
    void relativeLinksPointToExistingFiles() {
        assertNoProblems(doc -> checks.links(doc));
    }

    @Test
    void flottaCommandLinesParse() {
        assertNoProblems(doc -> checks.commands(doc));
    }

    @Test
    void theDocsIndexListsEveryDocumentAndTheReadmeLinksIt() {
        Markdown index = Markdown.read(ROOT.resolve("docs/README.md"));
        List<Path> linked = index.links().stream().filter(Markdown.Link::isRelative)
                .map(l -> ROOT.resolve("docs").resolve(l.path()).normalize()).toList();
        List<String> missing = Markdown.documents(ROOT).stream()
                .filter(p -> p.getParent().equals(ROOT.resolve("docs")) && !p.getFileName().toString().equals("README.md"))
                .filter(p -> !linked.contains(p))
                .map(p -> "docs/README.md does not link " + ROOT.relativize(p) + ": add it to the index").toList();
        assertThat(missing).as(String.join("\n", missing)).isEmpty();
        assertThat(Markdown.read(ROOT.resolve("README.md")).links()).extracting(Markdown.Link::path)
                .contains("docs/README.md");
    }

    @Test
    void theDocsHaveSamplesLinksAndCommandsToCheck() {
        // the checks above must not pass because they found nothing to check
        List<Markdown> docs = Markdown.documents(ROOT).stream().map(Markdown::read).toList();
        assertThat(docs.stream().flatMap(d -> d.blocks().stream()).filter(b -> b.info().equals("java")).count())
                .isGreaterThanOrEqualTo(8);
        assertThat(docs.stream().mapToLong(d -> d.links().stream().filter(Markdown.Link::isRelative).count()).sum())
                .isGreaterThanOrEqualTo(20);
        assertThat(docs.stream().flatMap(d -> d.blocks().stream()).filter(b -> DocsChecks.SHELL.contains(b.info()))
                .mapToLong(b -> DocsChecks.flottaCommands(b).size()).sum()).isGreaterThanOrEqualTo(15);
    }

    // the checks themselves: each one finds what it is there to find

    @Test
    void aJavaBlockWithoutMarkerOrDifferentFromItsSourceIsReported(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("m/src/main/java/a/A.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, String.join("\n", "class A {", "  void f() {", "    // tag::f[]",
                "    int x = 1;", "    // tag::inner[]", "    x++;", "    // end::inner[]", "    // end::f[]", "  }", "}"));
        DocsChecks local = new DocsChecks(dir);

        assertThat(local.samples(Markdown.of(dir.resolve("ok.md"), String.join("\n",
                "<!-- sample: m/src/main/java/a/A.java#f -->", "```java", "int x  = 1;", "", "x++;", "```")))).isEmpty();
        assertThat(local.samples(Markdown.of(dir.resolve("bare.md"), "text\n```java\nint x = 1;\n```")))
                .singleElement().asString().contains("bare.md:2", "<!-- sample: PATH#TAG -->");
        assertThat(local.samples(Markdown.of(dir.resolve("diff.md"), String.join("\n",
                "<!-- sample: m/src/main/java/a/A.java#f -->", "```java", "int x = 2;", "x++;", "```"))))
                .singleElement().asString().contains("differs", "int x = 1;");
        assertThat(local.samples(Markdown.of(dir.resolve("tag.md"), String.join("\n",
                "<!-- sample: m/src/main/java/a/A.java#nope -->", "```java", "```"))))
                .singleElement().asString().contains("no region `// tag::nope[]`");
        assertThat(local.samples(Markdown.of(dir.resolve("src.md"), String.join("\n",
                "<!-- sample: docs/A.java#f -->", "```java", "```"))))
                .singleElement().asString().contains("not a compiled source");
    }

    @Test
    void aBrokenRelativeLinkIsReportedAndOthersAreNot(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/there.md"), "x");
        Markdown doc = Markdown.of(dir.resolve("docs/a.md"), String.join("\n",
                "[ok](there.md#part) [up](../docs/there.md) [web](https://example.org/x) [anchor](#top)",
                "`[code](nowhere.md)`", "```", "[block](nowhere.md)", "```", "[bad](missing.md)", "[ref]: ../gone/x.md"));

        assertThat(new DocsChecks(dir).links(doc)).containsExactly(
                dir.resolve("docs/a.md") + ":6: link missing.md points to nothing (docs/missing.md)",
                dir.resolve("docs/a.md") + ":7: link ../gone/x.md points to nothing (gone/x.md)");
    }

    @Test
    void aFlottaCommandThatDoesNotExistOrHasAnUnknownOptionIsReported(@TempDir Path dir) {
        Markdown doc = Markdown.of(dir.resolve("a.md"), String.join("\n",
                "```sh",
                "scripts/flotta get devices -o json | jq .   # fine",
                "until scripts/flotta get devices > /dev/null 2>&1; do sleep 1; done",
                "FLOTTA_SERVER=https://127.0.0.1:8044 flotta get deployments && flotta frobnicate",
                "scripts/flotta apply \\",
                "    -f web.yaml --no-such-option",
                "cat > web.yaml <<'EOF'",
                "flotta is not run here",
                "EOF",
                "scripts/flotta server --port eighty &",
                "```",
                "```console",
                "$ flotta get devicez",
                "NAME  NAMESPACE",
                "```"));

        List<String> problems = new ArrayList<>(new DocsChecks(dir).commands(doc));

        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).contains("a.md:4", "`flotta frobnicate`");
        assertThat(problems.get(1)).contains("a.md:5", "--no-such-option");
        assertThat(problems.get(2)).contains("a.md:10", "eighty");
        assertThat(problems.get(3)).contains("a.md:13", "devicez");
        assertThat(DocsChecks.flottaCommands(doc.blocks().get(0))).extracting(DocsChecks.Command::args).contains(
                List.of("get", "devices", "-o", "json"), List.of("get", "devices"), List.of("get", "deployments"));
    }

    private interface Check {
        List<String> run(Markdown doc);
    }

    private static void assertNoProblems(Check check) {
        List<String> problems = new ArrayList<>();
        for (Path file : Markdown.documents(ROOT)) {
            problems.addAll(check.run(Markdown.read(file)).stream()
                    .map(p -> p.replace(ROOT + "/", "")).toList());
        }
        assertThat(problems).as("\n" + String.join("\n\n", problems)).isEmpty();
    }
}
