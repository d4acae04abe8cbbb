import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ProgramRun } from "../../scripts/lib/mockRuntime";
import { postgresBatches } from "../support/postgresObjects";
import { recordedResource } from "../support/program";

/** A run holding only the given postgresql resources. */
function runOf(resources: [string, Record<string, unknown>][]): ProgramRun {
    return {
        outputs: {},
        resources: resources.map(([type, inputs], i) =>
            recordedResource(`postgresql:index/${type}`, `r${i}`, `urn:${i}`, inputs),
        ),
    };
}

describe("SQL for the recorded postgresql resources", () => {
    it("creates roles, then databases, then what lives in each database", () => {
        const batches = postgresBatches(
            runOf([
                ["schema:Schema", { database: "daur", name: "app", owner: "ops" }],
                ["database:Database", { name: "daur", owner: "admin", template: "template0" }],
                [
                    "role:Role",
                    { name: "app_rw", login: true, passwordWo: "it's", connectionLimit: 5 },
                ],
            ]),
        );
        assert.deepEqual(
            batches.map((b) => b.database),
            ["postgres", "postgres", "daur"],
        );
        assert.match(
            batches[0].statements[0],
            /^CREATE ROLE "app_rw" WITH LOGIN NOSUPERUSER .*CONNECTION LIMIT 5 PASSWORD 'it''s'$/,
        );
        assert.equal(
            batches[1].statements[0],
            'CREATE DATABASE "daur" OWNER "admin" TEMPLATE "template0"',
        );
        assert.equal(batches[2].statements[0], 'CREATE SCHEMA "app" AUTHORIZATION "ops"');
    });

    it("revokes before it grants, and an empty grant only revokes", () => {
        const [batch] = postgresBatches(
            runOf([
                [
                    "grant:Grant",
                    { database: "daur", objectType: "database", privileges: [], role: "public" },
                ],
                [
                    "grant:Grant",
                    {
                        database: "daur",
                        objectType: "table",
                        schema: "app",
                        privileges: ["SELECT", "INSERT"],
                        role: "app_rw",
                    },
                ],
                [
                    "defaultPrivileges:DefaultPrivileges",
                    {
                        database: "daur",
                        objectType: "table",
                        schema: "app",
                        owner: "ops",
                        privileges: ["SELECT"],
                        role: "app_rw",
                    },
                ],
            ]),
        );
        assert.deepEqual(batch.statements, [
            'REVOKE ALL ON DATABASE "daur" FROM PUBLIC',
            'REVOKE ALL ON ALL TABLES IN SCHEMA "app" FROM "app_rw"',
            'GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA "app" TO "app_rw"',
            'ALTER DEFAULT PRIVILEGES FOR ROLE "ops" IN SCHEMA "app" GRANT SELECT ON TABLES TO "app_rw"',
        ]);
    });

    it("refuses what it cannot translate rather than skipping it", () => {
        const grant = { database: "d", objectType: "function", privileges: ["EXECUTE"], role: "r" };
        assert.throws(() => postgresBatches(runOf([["grant:Grant", grant]])), /function/);
    });
});
