import { resourcePolicy } from "../lib/policy";
import { PG_ROLE } from "../lib/resources";

const PRIVILEGES = [
    "superuser",
    "createRole",
    "createDatabase",
    "bypassRowLevelSecurity",
    "replication",
];

/**
 * A login role the stack creates is an application role: never superuser and unable to
 * create roles or databases, bypass row security or replicate. Administration stays with
 * the bootstrap role.
 */
export const postgresAppRoleIsUnprivileged = resourcePolicy({
    name: "postgres-app-role-is-unprivileged",
    description:
        "PostgreSQL login roles the stack creates hold no superuser, createrole, createdb, bypassrls or replication.",
    types: [PG_ROLE],
    meta: {
        severity: "critical",
        checklist: ["rbac"],
        references: ["dev-sec postgres-baseline postgres-08", "PostgreSQL docs: CREATE ROLE"],
        remediation:
            "Remove the attribute from the role; grant the app only the table privileges it needs.",
        exemptible: true,
    },
    check: (props, _args, report) => {
        if (props.login === false) {
            return;
        }
        for (const attribute of PRIVILEGES.filter((p) => props[p] === true)) {
            report(`The login role ${props.name ?? ""} has ${attribute}.`);
        }
    },
});
