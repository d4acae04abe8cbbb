import { PostgresConfig } from "../config/data";

/** The attributes of one role. Everything not granted is off. */
export interface RolePlan {
    name: string;
    login: boolean;
    /** Connection ceiling; -1 for none (group roles cannot log in anyway). */
    connectionLimit: number;
    /** Whether the role gets the generated app password. */
    withPassword: boolean;
}

/** A grant on existing objects: `GRANT <privileges> ON <objectType> ... TO <role>`. */
export interface GrantPlan {
    role: string;
    objectType: "database" | "schema" | "table" | "sequence";
    /** The schema, for schema, table and sequence grants. */
    schema?: string;
    /** Empty means revoke everything. */
    privileges: string[];
}

/** Privileges on objects the owner creates later: `ALTER DEFAULT PRIVILEGES FOR ROLE ...`. */
export interface DefaultPrivilegePlan {
    owner: string;
    role: string;
    schema: string;
    objectType: "table" | "sequence";
    privileges: string[];
}

/** Who may do what in the application database. */
export interface DatabasePlan {
    database: string;
    schema: string;
    /** Owner of the schema and everything in it: the operator group role. */
    schemaOwner: string;
    roles: RolePlan[];
    grants: GrantPlan[];
    defaultPrivileges: DefaultPrivilegePlan[];
    extensions: string[];
}

/**
 * The least-privilege layout of the application database. The operator group owns the schema,
 * so migrations run as a member of it; the app reads and writes rows and owns nothing; the
 * viewer group only reads. PUBLIC loses CONNECT on the database, so a role must be granted it.
 * The admin (bootstrap superuser) is not listed: it exists from initdb and owns the database.
 */
export function databasePlan(config: PostgresConfig): DatabasePlan {
    const { database, schema, roles } = config;
    const rw = ["SELECT", "INSERT", "UPDATE", "DELETE"];
    return {
        database,
        schema,
        schemaOwner: roles.operator,
        roles: [
            { name: roles.operator, login: false, connectionLimit: -1, withPassword: false },
            { name: roles.viewer, login: false, connectionLimit: -1, withPassword: false },
            {
                name: roles.app,
                login: true,
                connectionLimit: config.appConnectionLimit,
                withPassword: true,
            },
        ],
        grants: [
            { role: "public", objectType: "database", privileges: [] },
            { role: roles.operator, objectType: "database", privileges: ["CONNECT"] },
            { role: roles.viewer, objectType: "database", privileges: ["CONNECT"] },
            { role: roles.app, objectType: "database", privileges: ["CONNECT"] },
            { role: roles.app, objectType: "schema", schema, privileges: ["USAGE"] },
            { role: roles.viewer, objectType: "schema", schema, privileges: ["USAGE"] },
            { role: roles.app, objectType: "table", schema, privileges: rw },
            { role: roles.viewer, objectType: "table", schema, privileges: ["SELECT"] },
            { role: roles.app, objectType: "sequence", schema, privileges: ["USAGE", "SELECT"] },
            { role: roles.viewer, objectType: "sequence", schema, privileges: ["SELECT"] },
        ],
        defaultPrivileges: [
            { owner: roles.operator, role: roles.app, schema, objectType: "table", privileges: rw },
            {
                owner: roles.operator,
                role: roles.viewer,
                schema,
                objectType: "table",
                privileges: ["SELECT"],
            },
            {
                owner: roles.operator,
                role: roles.app,
                schema,
                objectType: "sequence",
                privileges: ["USAGE", "SELECT"],
            },
            {
                owner: roles.operator,
                role: roles.viewer,
                schema,
                objectType: "sequence",
                privileges: ["SELECT"],
            },
        ],
        extensions: ["pgcrypto"],
    };
}
