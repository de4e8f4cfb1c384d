import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * `iam.Grant.addToPrincipal` with a statement id, which aws-cdk-lib's helper does not take: the Sid
 * names the statement in the grantee's policy, where operators and tests look it up.
 */
export function grantWithSid(sid: string, options: iam.GrantOnPrincipalOptions): iam.Grant {
  const grant = iam.Grant.addToPrincipal(options);
  for (const statement of grant.principalStatements) {
    statement.sid = sid;
  }
  return grant;
}

/** One grant of all the statements of several, so that a caller can depend on every one of them. */
export function combineGrants(grants: iam.Grant[]): iam.Grant {
  return grants.reduce((all, grant) => all.combine(grant));
}
