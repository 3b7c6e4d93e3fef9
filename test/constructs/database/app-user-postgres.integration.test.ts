/**
 * The application-user bootstrap SQL against a real PostgreSQL server on loopback. The server runs as
 * an unprivileged user (postgres refuses root); the bootstrap runs as a master user that, like the RDS
 * master, is no superuser (CREATEROLE, admin of rds_iam, owner of the database). CI installs
 * postgresql (.ci/run); with CI=true a missing binary fails the suite.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { appUserStatements, runAppUserBootstrap } from '../../../lib/constructs/database/app-user/sql';
import { describeWhenInstalled, freePort } from '../../helpers/local-server';

function findBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : undefined;
}
const bin = findBin();
if (!bin && process.env.CI !== 'true') console.log('Skipping the PostgreSQL bootstrap test: install postgresql (apt-get install postgresql) to run it.');
const describeWithPostgres = describeWhenInstalled(bin !== undefined);

const ADMIN_PASSWORD = 'admin' + 'Pw7x2Q9z';
const SPEC = { user: 'app_user', database: 'appdb', schema: 'app' };

/** Runs a command as the unprivileged server user when this process is root (CI containers). */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'nobody', '--', command, ...args]] : [command, args];
}

describeWithPostgres('application-user bootstrap against a real PostgreSQL server', () => {
  let dir: string;
  let data: string | undefined;
  let port: number;
  const clients: Client[] = [];

  const connect = async (user: string, database: string, password?: string) => {
    const client = new Client({ host: '127.0.0.1', port, user, database, password });
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    if (!bin) throw new Error('postgresql is not installed (CI=true): apt-get install postgresql');
    const started = Date.now();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-pg-'));
    fs.chmodSync(dir, 0o777);
    data = path.join(dir, 'data');
    if (process.getuid?.() === 0) execFileSync('chown', ['nobody', dir]);
    const [initCmd, initArgs] = asServerUser(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    execFileSync(initCmd, initArgs, { stdio: 'pipe' });
    // Passwords for the master user; trust for the superuser that sets up and inspects, and for the
    // application user (standing in for the IAM token RDS checks).
    fs.writeFileSync(
      path.join(data, 'pg_hba.conf'),
      ['host all postgres 127.0.0.1/32 trust', 'host all app_user 127.0.0.1/32 trust', 'host all all 127.0.0.1/32 scram-sha-256', ''].join('\n'),
    );
    port = await freePort();
    const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories='' -c fsync=off`;
    const [cmd, args] = asServerUser(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '30', 'start']);
    execFileSync(cmd, args, { stdio: 'pipe' });
    // What RDS has: the rds_iam role, and a master user that is no superuser but owns the database.
    const su = await connect('postgres', 'postgres');
    await su.query('CREATE ROLE rds_iam');
    await su.query(`CREATE ROLE dbadmin LOGIN CREATEROLE CREATEDB PASSWORD '${ADMIN_PASSWORD}'`);
    await su.query('GRANT rds_iam TO dbadmin WITH ADMIN OPTION');
    await su.query('CREATE DATABASE appdb OWNER dbadmin');
    console.log(`PostgreSQL ${path.basename(path.dirname(bin))} up on 127.0.0.1:${port} in ${Date.now() - started} ms`);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    if (bin && data && fs.existsSync(path.join(data, 'postmaster.pid'))) {
      const [cmd, args] = asServerUser(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      execFileSync(cmd, args, { stdio: 'pipe' });
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('runs as the (non-superuser) master twice; the user can log in, holds rds_iam, owns its schema and has no password', async () => {
    const started = Date.now();
    for (let run = 0; run < 2; run++) {
      const master = await connect('dbadmin', SPEC.database, ADMIN_PASSWORD);
      await runAppUserBootstrap(master, SPEC);
      await master.end();
    }
    console.log(`Bootstrap SQL ran twice in ${Date.now() - started} ms`);

    const su = await connect('postgres', SPEC.database);
    const role = await su.query(
      "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolpassword IS NULL AS no_password, pg_has_role(rolname, 'rds_iam', 'MEMBER') AS iam FROM pg_authid WHERE rolname = $1",
      [SPEC.user],
    );
    expect(role.rows).toEqual([{ rolcanlogin: true, rolsuper: false, rolcreaterole: false, rolcreatedb: false, no_password: true, iam: true }]);
    const grants = await su.query(
      `SELECT has_database_privilege($1, $2, 'CONNECT') AS connect, has_schema_privilege($1, $3, 'USAGE') AS usage,
              has_schema_privilege($1, $3, 'CREATE') AS create, (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = $3) AS owner`,
      [SPEC.user, SPEC.database, SPEC.schema],
    );
    expect(grants.rows).toEqual([{ connect: true, usage: true, create: true, owner: SPEC.user }]);
    // One role, one schema, one search_path setting: the second run changed nothing.
    const counts = await su.query(
      `SELECT (SELECT count(*) FROM pg_roles WHERE rolname = $1)::int AS roles, (SELECT count(*) FROM pg_namespace WHERE nspname = $2)::int AS schemas,
              (SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = $1)::int AS settings`,
      [SPEC.user, SPEC.schema],
    );
    expect(counts.rows).toEqual([{ roles: 1, schemas: 1, settings: 1 }]);

    // The application logs in as the user and works in its schema without qualifying names.
    const app = await connect(SPEC.user, SPEC.database);
    await app.query('CREATE TABLE orders (id bigint PRIMARY KEY)');
    await app.query('INSERT INTO orders VALUES (1)');
    const where = await app.query("SELECT current_user AS who, to_regclass('app.orders') IS NOT NULL AS in_schema");
    expect(where.rows).toEqual([{ who: SPEC.user, in_schema: true }]);
  }, 30_000);

  test('a failing statement rolls the whole bootstrap back', async () => {
    const master = await connect('dbadmin', SPEC.database, ADMIN_PASSWORD);
    // A database that does not exist makes the GRANT fail after the role statements ran.
    await expect(runAppUserBootstrap(master, { user: 'half_done', database: 'nope', schema: 'half' })).rejects.toThrow(/database "nope" does not exist/);
    const su = await connect('postgres', SPEC.database);
    const left = await su.query("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'half_done'");
    expect(left.rows).toEqual([{ n: 0 }]);
  }, 30_000);
});

describe('appUserStatements', () => {
  test('quotes every identifier and refuses names that are not plain PostgreSQL identifiers or are reserved', () => {
    expect(appUserStatements(SPEC).join('\n')).toContain('GRANT rds_iam TO "app_user"');
    expect(() => appUserStatements({ ...SPEC, user: 'x"; DROP ROLE dbadmin; --' })).toThrow(/user = "x\\"; DROP ROLE dbadmin; --": use 1-63 letters/);
    expect(() => appUserStatements({ ...SPEC, user: 'rds_superuser' })).toThrow(/not a PostgreSQL or RDS reserved role/);
    expect(() => appUserStatements({ ...SPEC, schema: 'pg_x', database: '1db' })).toThrow(/database = "1db"/);
  });
});
