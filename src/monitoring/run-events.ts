import * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** The execution statuses of a run that ended without committing (the failure alarm counts the same three). */
export const RUN_FAILED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/** EventBridge's pattern for the end of a failed run of the mirror's state machine. */
export function runFailedEventPattern(stateMachine: sfn.IStateMachine): events.EventPattern {
  return {
    source: ['aws.states'],
    detailType: ['Step Functions Execution Status Change'],
    detail: {
      stateMachineArn: [stateMachine.stateMachineArn],
      status: RUN_FAILED_STATUSES,
    },
  };
}
