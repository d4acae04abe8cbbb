import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
    DOCKERFILE_RULES,
    lintDockerfile,
    parseDockerfile,
} from "../../policies/lib/dockerfileLint";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

/** A compliant two-stage Dockerfile; each failing case changes one thing in it. */
const COMPLIANT = `# A compliant baseline.
FROM debian:bookworm-slim@${DIGEST} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3-venv
COPY src/ /opt/app/src/

FROM debian:bookworm-slim@${DIGEST} AS final
ENV PYTHONUNBUFFERED=1
COPY --from=build /opt/app /opt/app
RUN groupadd --system --gid 10001 app \\
    && useradd --system --uid 10001 --gid 10001 --no-create-home app
LABEL org.opencontainers.image.source="https://github.com/example/app"
LABEL org.opencontainers.image.revision="0123abc"
HEALTHCHECK CMD ["python3", "-c", "print(1)"]
USER 10001:10001
ENTRYPOINT ["python3", "-m", "app"]
`;

/** The rules a Dockerfile breaks. */
function brokenRules(text: string): string[] {
    return [...new Set(lintDockerfile(text).map((f) => f.rule))];
}

/** The baseline with one line replaced; fails the test if the line is not there. */
function mutate(find: string, replace: string): string {
    assert.ok(COMPLIANT.includes(find), `the baseline has no "${find}"`);
    return COMPLIANT.replace(find, replace);
}

describe("Dockerfile lint", () => {
    it("passes the compliant baseline", () => {
        assert.deepEqual(lintDockerfile(COMPLIANT), []);
    });

    it("joins continuation lines and numbers instructions by their first line", () => {
        const run = parseDockerfile(COMPLIANT).find((i) => i.args.startsWith("groupadd"));
        assert.equal(run?.line, 9);
        assert.match(run!.args, /groupadd .* && useradd /);
        assert.equal(run?.stage, 1);
    });

    /** One mutation each; `also` names rules the same mutation breaks by its nature. */
    const cases: { rule: string; text: string; line: number; also?: string[] }[] = [
        {
            rule: "final-stage-runs-as-non-root",
            text: mutate("USER 10001:10001\n", ""),
            line: 6,
        },
        {
            rule: "final-stage-runs-as-non-root",
            text: mutate("USER 10001:10001", "USER root"),
            line: 14,
        },
        {
            rule: "final-stage-runs-as-non-root",
            text: mutate("USER 10001:10001", "USER 0:10001"),
            line: 14,
        },
        {
            // The guide's order: the user is switched to before the steps that need root.
            rule: "user-switched-after-installs",
            text: mutate(
                'ENTRYPOINT ["python3"',
                'RUN apt-get install -y curl\nENTRYPOINT ["python3"',
            ),
            line: 15,
        },
        {
            rule: "user-switched-after-installs",
            text: mutate('ENTRYPOINT ["python3"', 'RUN pip install flask\nENTRYPOINT ["python3"'),
            line: 15,
        },
        {
            rule: "base-image-pinned-by-digest",
            text: mutate(
                `debian:bookworm-slim@${DIGEST} AS final`,
                "debian:bookworm-slim AS final",
            ),
            line: 6,
        },
        {
            rule: "no-latest-tag",
            text: mutate(
                `debian:bookworm-slim@${DIGEST} AS build`,
                `debian:latest@${DIGEST} AS build`,
            ),
            line: 2,
        },
        {
            rule: "no-latest-tag",
            text: mutate(`debian:bookworm-slim@${DIGEST} AS final`, "debian AS final"),
            line: 6,
            also: ["base-image-pinned-by-digest"],
        },
        {
            rule: "no-latest-tag",
            text: mutate(
                `debian:bookworm-slim@${DIGEST} AS build`,
                `debian:Latest@${DIGEST} AS build`,
            ),
            line: 2,
        },
        {
            rule: "no-add-from-url",
            text: mutate("COPY src/ /opt/app/src/", "ADD https://example.com/app.tar.gz /opt/app/"),
            line: 4,
        },
        {
            rule: "copy-instead-of-add",
            text: mutate("COPY src/ /opt/app/src/", "ADD src/ /opt/app/src/"),
            line: 4,
        },
        {
            rule: "healthcheck-present",
            text: mutate('HEALTHCHECK CMD ["python3", "-c", "print(1)"]', "HEALTHCHECK NONE"),
            line: 13,
        },
        {
            rule: "no-secrets-in-args-or-env",
            text: mutate("ENV PYTHONUNBUFFERED=1", "ENV PYTHONUNBUFFERED=1 DB_PASSWORD=hunter2"),
            line: 7,
        },
        {
            rule: "no-secrets-in-args-or-env",
            text: mutate("ENV PYTHONUNBUFFERED=1", "ARG GITHUB_TOKEN"),
            line: 7,
        },
        {
            rule: "no-sudo",
            text: mutate("RUN apt-get update", "RUN sudo apt-get update"),
            line: 3,
        },
        {
            rule: "no-secret-files-copied",
            text: mutate("COPY src/ /opt/app/src/", "COPY .env src/ /opt/app/src/"),
            line: 4,
        },
        {
            rule: "no-secret-files-copied",
            text: mutate("COPY src/ /opt/app/src/", "COPY deploy/id_ed25519 /root/.ssh/"),
            line: 4,
        },
        {
            rule: "source-labels-present",
            text: mutate('LABEL org.opencontainers.image.revision="0123abc"\n', ""),
            line: 6,
        },
    ];

    for (const c of cases) {
        it(`fails ${c.rule} on: ${c.text.split("\n")[c.line - 1]}`, () => {
            const findings = lintDockerfile(c.text).filter((f) => f.rule === c.rule);
            assert.deepEqual(brokenRules(c.text).sort(), [c.rule, ...(c.also ?? [])].sort());
            assert.equal(findings[0].line, c.line);
        });
    }

    it("gives each rule its own message and a case above", () => {
        const messages = new Set<string>();
        for (const rule of DOCKERFILE_RULES) {
            const c = cases.find((x) => x.rule === rule.name);
            assert.ok(c, `rule ${rule.name} has no failing case`);
            messages.add(lintDockerfile(c.text).find((f) => f.rule === rule.name)!.message);
        }
        assert.equal(messages.size, DOCKERFILE_RULES.length);
    });

    it("does not mistake a registry port or an earlier stage for a tag", () => {
        const text = mutate(
            `FROM debian:bookworm-slim@${DIGEST} AS final`,
            `FROM registry.local:5000/base@${DIGEST} AS base\nFROM base AS final`,
        );
        assert.deepEqual(lintDockerfile(text), []);
    });
});
