import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";

import { DatabasePlan } from "../render/databasePlan";
import { stableScramVerifier } from "../render/passwords";

/** Arguments of {@link AppDatabase}. */
export interface AppDatabaseArgs {
    /** Roles, grants and extensions; see infra/render/databasePlan.ts. */
    plan: DatabasePlan;
    /** The superuser that owns the database. */
    owner: string;
    /** The app role's password; secret. Only its SCRAM verifier is sent to the server. */
    appPassword: pulumi.Input<string>;
    /** Bump to set a new password; the value itself is write-only and never compared. */
    passwordVersion: number;
    /** The explicit PostgreSQL provider (TLS with verify-full). */
    provider: postgresql.Provider;
}

/**
 * The application database with its roles and privileges, created through @pulumi/postgresql.
 * Role passwords go to the server as SCRAM verifiers through the write-only field, so neither
 * the plain password nor the verifier is kept in the state.
 */
export class AppDatabase extends pulumi.ComponentResource {
    /** The database's name. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: AppDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hardened-stack:data:AppDatabase", name, {}, opts);
        const { plan } = args;
        if (!plan.roles.some((r) => r.withPassword && r.login)) {
            throw new Error(`AppDatabase ${name}: the plan has no login role for the app`);
        }
        const child = { parent: this, provider: args.provider };

        // The database, owned by the superuser; PUBLIC's CONNECT is revoked below.
        const db = new postgresql.Database(
            `${name}-db`,
            { name: plan.database, owner: args.owner, encoding: "UTF8", template: "template0" },
            child,
        );
        this.name = db.name;

        // Group roles and the app's login role, none with any administrative attribute.
        const roles: Record<string, postgresql.Role> = {};
        for (const r of plan.roles) {
            roles[r.name] = new postgresql.Role(
                `${name}-role-${r.name}`,
                {
                    name: r.name,
                    login: r.login,
                    connectionLimit: r.connectionLimit,
                    superuser: false,
                    createDatabase: false,
                    createRole: false,
                    replication: false,
                    bypassRowLevelSecurity: false,
                    inherit: true,
                    ...(r.withPassword
                        ? {
                              passwordWo: pulumi.secret(
                                  pulumi
                                      .output(args.appPassword)
                                      .apply((p) => stableScramVerifier(p, r.name)),
                              ),
                              passwordWoVersion: String(args.passwordVersion),
                          }
                        : {}),
                },
                child,
            );
        }
        const allRoles = Object.values(roles);

        // The schema the app's tables live in, owned by the operator group.
        const schema = new postgresql.Schema(
            `${name}-schema`,
            { name: plan.schema, database: db.name, owner: plan.schemaOwner },
            { ...child, dependsOn: allRoles },
        );

        // pgcrypto, for column encryption inside SQL (see the README on keys).
        for (const ext of plan.extensions) {
            new postgresql.Extension(`${name}-ext-${ext}`, { name: ext, database: db.name }, child);
        }

        // Grants on the database, the schema and what is already in it.
        plan.grants.forEach((g, i) => {
            new postgresql.Grant(
                `${name}-grant-${g.role}-${g.objectType}-${i}`,
                {
                    database: db.name,
                    role: g.role,
                    objectType: g.objectType,
                    schema: g.schema,
                    privileges: g.privileges,
                    withGrantOption: false,
                },
                { ...child, dependsOn: [...allRoles, schema] },
            );
        });

        // Privileges on tables and sequences the operator creates later (migrations).
        for (const d of plan.defaultPrivileges) {
            new postgresql.DefaultPrivileges(
                `${name}-default-${d.role}-${d.objectType}`,
                {
                    database: db.name,
                    owner: d.owner,
                    role: d.role,
                    schema: d.schema,
                    objectType: d.objectType,
                    privileges: d.privileges,
                    withGrantOption: false,
                },
                { ...child, dependsOn: [...allRoles, schema] },
            );
        }
        this.registerOutputs({ name: this.name });
    }
}
