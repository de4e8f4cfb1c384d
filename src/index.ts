export * from './column-type';
export * from './dynamo-iceberg-mirror';
