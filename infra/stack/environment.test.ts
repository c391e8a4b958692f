import { describe, expect, it } from 'vitest';
import { envProblems, environmentFromVariables } from './environment.ts';

describe('environment from variables: the parts challenge 06 needs', () => {
  const base = { KAFKA_BOOTSTRAP_SERVERS: 'broker:9092' };

  it('reads Apache Kafka Connect, MySQL (URL or host) and Cosmos DB for MongoDB', () => {
    const environment = environmentFromVariables(
      {
        ...base,
        APACHE_CONNECT_URL: 'http://connect:8083',
        MYSQL_URL: 'mysql://db:3310',
        MYSQL_USER: 'debezium',
        MYSQL_PASSWORD: 'secret',
        COSMOS_MONGO_CONNECTION_STRING: 'mongodb://acct:key@acct.mongo.cosmos.azure.com:10255/?ssl=true',
      },
      'team.env',
    );
    expect(environment.apacheConnect).toEqual({ url: 'http://connect:8083' });
    expect(environment.mysql).toEqual({
      url: 'mysql://db:3310',
      host: 'db',
      port: 3310,
      user: 'debezium',
      password: 'secret',
    });
    expect(environment.cosmosMongo?.connectionString).toContain('acct.mongo.cosmos.azure.com');
    const byHost = environmentFromVariables(
      { ...base, MYSQL_HOST: 'db2', MYSQL_USER: 'u', MYSQL_PASSWORD: 'p' },
      'team.env',
    );
    expect(byHost.mysql).toMatchObject({ host: 'db2', port: 3306 });
  });

  it('names every missing or malformed variable at once', () => {
    expect(
      envProblems({ ...base, MYSQL_URL: 'http://db' }, ['apacheConnect', 'mysql', 'cosmosMongo']),
    ).toEqual([
      'MYSQL_URL must be mysql://host:port (got http://db).',
      'APACHE_CONNECT_URL is missing.',
      'MYSQL_USER is missing.',
      'MYSQL_PASSWORD is missing.',
      'COSMOS_MONGO_CONNECTION_STRING is missing.',
    ]);
    expect(envProblems(base, ['mysql'])[0]).toBe(
      'MYSQL_URL (mysql://host:port) or MYSQL_HOST (with MYSQL_PORT) is missing.',
    );
  });
});
