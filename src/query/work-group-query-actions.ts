/**
 * The actions `grantRead` adds for querying through the mirror's Athena workgroup, on the workgroup
 * itself (on top of the table read actions in storage/table-read-actions.ts and the query results'
 * in storage/query-results-actions.ts).
 */

/** Athena: run a query in the workgroup, follow it, read its results, cancel it. On the workgroup only. */
export const WORK_GROUP_QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
];
