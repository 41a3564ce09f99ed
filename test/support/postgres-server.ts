/**
 * The throw-away PostgreSQL server of the PostgreSQL source tests (and of `bench/data-sources.ts`,
 * which is why it lives in bench/harness: the benchmark build does not include test/).
 */
export {
  PG_PASSWORD,
  PG_USER,
  postgresAvailable,
  postgresBinDir,
  startPostgres,
  type PostgresServer,
} from '../../bench/harness/postgres-server.js';
