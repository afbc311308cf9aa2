package dev.posbench.cli;

import dev.posbench.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Whether and with what a verb renders the single-file HTML report: the options run and merge share. */
final class HtmlReportOptions {

    @Option(names = "--no-html", description = "Write the Allure results only, not the HTML report.")
    boolean noHtml;

    @Option(names = "--allure-home", paramLabel = "DIR", defaultValue = "target/allure/allure-2.34.0",
            description = "The Allure command line that renders the HTML report (default: ${DEFAULT-VALUE}).")
    Path allureHome;

    /**
     * The Allure command line to render with, or null for no HTML report.
     *
     * @throws BadInputException when a report is wanted and there is no Allure command line there
     */
    Path allureHomeChecked() {
        if (noHtml) {
            return null;
        }
        if (!Files.isExecutable(allureHome.resolve("bin/allure"))) {
            throw new BadInputException(allureHome + " (--allure-home)",
                    "no Allure command line there; `./posbench` builds it into target/allure, or pass --no-html");
        }
        return allureHome;
    }
}
