export * from './column-type';
export * from './dynamo-iceberg-mirror';
export * from './dynamo-iceberg-mirror-props';
