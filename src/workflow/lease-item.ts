/**
 * The run lease's one item, as the plan function writes it and the state machine deletes it. Kept
 * apart from the lease logic so that the construct does not load the AWS SDK.
 */

/** The lease table's partition key attribute, and the key of its one item. */
export const LEASE_KEY_ATTRIBUTE = 'lease';
export const LEASE_KEY = 'run';
/** The item's attribute naming the execution that holds the lease. */
export const LEASE_HOLDER_ATTRIBUTE = 'holder';
