/**
 * The SQL that makes the application's database user: pure functions that build the statements,
 * and a small runner that executes them with an injected client (a `pg.Client` in the Lambda,
 * a real PostgreSQL server in the tests). Every statement is idempotent: running it twice is a no-op.
 */

/** A PostgreSQL role, database or schema name this module accepts: letters, digits and underscores. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Roles an application user must never be (the master user is checked separately). */
export const RESERVED_ROLE_NAMES: readonly string[] = ['postgres', 'rdsadmin', 'rdsproxyadmin', 'rds_superuser', 'rds_iam', 'rds_replication', 'rds_password', 'public'];

export interface AppUserSpec {
  /** The application role that logs in with IAM tokens. */
  readonly user: string;
  /** The database the application uses. */
  readonly database: string;
  /** The schema the application owns (its tables go there). */
  readonly schema: string;
}

/** Throws when a name is not a plain PostgreSQL identifier (no quoting games, no reserved roles). */
export function validateAppUserSpec(spec: AppUserSpec): void {
  const bad: string[] = [];
  for (const field of ['user', 'database', 'schema'] as const) {
    if (typeof spec[field] !== 'string' || !IDENTIFIER.test(spec[field])) bad.push(`${field} = ${JSON.stringify(spec[field])}: use 1-63 letters, digits or underscores, not starting with a digit`);
  }
  if (typeof spec.user === 'string' && (RESERVED_ROLE_NAMES.includes(spec.user.toLowerCase()) || spec.user.toLowerCase().startsWith('pg_'))) {
    bad.push(`user = ${JSON.stringify(spec.user)}: use an application role name, not a PostgreSQL or RDS reserved role`);
  }
  if (bad.length > 0) throw new Error(`Invalid database application user: ${bad.join('; ')}`);
}

/** A double-quoted identifier (names are validated first; the quoting keeps case and is exact). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted SQL literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The statements, in order. The role is created only when absent (PostgreSQL has no
 * `CREATE ROLE IF NOT EXISTS`), LOGIN is (re)asserted, and `rds_iam` makes RDS accept IAM tokens
 * instead of a password: the role never gets a password.
 */
export function appUserStatements(spec: AppUserSpec): string[] {
  validateAppUserSpec(spec);
  const user = quoteIdent(spec.user);
  const schema = quoteIdent(spec.schema);
  return [
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${quoteLiteral(spec.user)}) THEN CREATE ROLE ${user} LOGIN; END IF; END $$`,
    // The RDS master user is no superuser: it may set LOGIN and the password, not SUPERUSER/REPLICATION.
    // A role it creates has none of those; without a password only an IAM token logs it in.
    `ALTER ROLE ${user} WITH LOGIN PASSWORD NULL`,
    `GRANT rds_iam TO ${user}`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(spec.database)} TO ${user}`,
    // Creating a schema for another role needs membership of it where the admin is no true superuser (RDS).
    `GRANT ${user} TO CURRENT_USER`,
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${user}`,
    `ALTER SCHEMA ${schema} OWNER TO ${user}`,
    `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${user}`,
    `ALTER ROLE ${user} IN DATABASE ${quoteIdent(spec.database)} SET search_path = ${schema}, public`,
  ];
}

/** The part of a `pg.Client` the runner needs. */
export interface SqlClient {
  query(sql: string): Promise<unknown>;
}

/** Runs the statements in one transaction: either the user is fully set up or nothing changed. */
export async function runAppUserBootstrap(client: SqlClient, spec: AppUserSpec): Promise<void> {
  const statements = appUserStatements(spec);
  await client.query('BEGIN');
  try {
    for (const sql of statements) await client.query(sql);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
