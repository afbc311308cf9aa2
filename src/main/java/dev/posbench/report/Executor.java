package dev.posbench.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who ran the report, for its "Executor" widget: the CI build it came from, with a link back to
 * it, when the run is one (Jenkins, GitLab CI, GitHub Actions); posbench itself otherwise.
 *
 * @param buildOrder the build number, which Allure uses to order the history of trends
 */
record Executor(String name, String type, Optional<String> buildName, Optional<String> buildUrl,
                Optional<Long> buildOrder) {

    static Executor of(Map<String, String> env) {
        if (has(env, "JENKINS_URL") || has(env, "BUILD_URL")) {
            return new Executor("Jenkins", "jenkins", get(env, "BUILD_TAG").or(() -> get(env, "JOB_NAME")),
                    get(env, "BUILD_URL"), number(env, "BUILD_NUMBER"));
        }
        if (has(env, "GITLAB_CI") || has(env, "CI_JOB_URL")) {
            return new Executor("GitLab CI", "gitlab", get(env, "CI_PROJECT_PATH").map(p -> p + " " + get(env, "CI_JOB_NAME").orElse("")),
                    get(env, "CI_JOB_URL").or(() -> get(env, "CI_PIPELINE_URL")), number(env, "CI_PIPELINE_IID"));
        }
        if (has(env, "GITHUB_RUN_ID") && has(env, "GITHUB_SERVER_URL") && has(env, "GITHUB_REPOSITORY")) {
            String url = env.get("GITHUB_SERVER_URL") + "/" + env.get("GITHUB_REPOSITORY") + "/actions/runs/"
                    + env.get("GITHUB_RUN_ID");
            return new Executor("GitHub Actions", "github", get(env, "GITHUB_WORKFLOW")
                    .map(w -> w + " #" + get(env, "GITHUB_RUN_NUMBER").orElse("")), Optional.of(url),
                    number(env, "GITHUB_RUN_NUMBER"));
        }
        return new Executor("posbench", "posbench", Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** As {@code executor.json} holds it. */
    Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("type", type);
        out.put("reportName", "posbench");
        out.put("buildName", buildName.orElse("posbench run " + Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        buildUrl.ifPresent(u -> out.put("buildUrl", u));
        buildUrl.ifPresent(u -> out.put("url", u));
        buildOrder.ifPresent(o -> out.put("buildOrder", o));
        return out;
    }

    private static boolean has(Map<String, String> env, String name) {
        return get(env, name).isPresent();
    }

    private static Optional<String> get(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static Optional<Long> number(Map<String, String> env, String name) {
        return get(env, name).filter(v -> v.matches("\\d{1,18}")).map(Long::valueOf);
    }
}
