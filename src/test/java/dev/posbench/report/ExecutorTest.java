package dev.posbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutorTest {

    @Test
    void jenkinsLinksBackToItsBuild() {
        Map<String, Object> json = Executor.of(Map.of("BUILD_URL", "https://ci.example/job/night/42/",
                "BUILD_NUMBER", "42", "JOB_NAME", "night")).json();
        assertEquals("jenkins", json.get("type"));
        assertEquals("https://ci.example/job/night/42/", json.get("buildUrl"));
        assertEquals(42L, json.get("buildOrder"));
    }

    @Test
    void gitlabLinksBackToItsJob() {
        Map<String, Object> json = Executor.of(Map.of("GITLAB_CI", "true", "CI_JOB_URL", "https://gitlab.example/p/-/jobs/7",
                "CI_PIPELINE_IID", "12")).json();
        assertEquals("gitlab", json.get("type"));
        assertEquals("https://gitlab.example/p/-/jobs/7", json.get("buildUrl"));
        assertEquals(12L, json.get("buildOrder"));
    }

    @Test
    void githubLinksBackToItsRun() {
        Map<String, Object> json = Executor.of(Map.of("GITHUB_SERVER_URL", "https://github.com",
                "GITHUB_REPOSITORY", "acme/pos", "GITHUB_RUN_ID", "99", "GITHUB_RUN_NUMBER", "5")).json();
        assertEquals("https://github.com/acme/pos/actions/runs/99", json.get("buildUrl"));
        assertEquals(5L, json.get("buildOrder"));
    }

    @Test
    void outsideCiThereIsNoLink() {
        Map<String, Object> json = Executor.of(Map.of("BUILD_NUMBER", "not a number")).json();
        assertEquals("posbench", json.get("type"));
        assertFalse(json.containsKey("buildUrl"));
    }
}
