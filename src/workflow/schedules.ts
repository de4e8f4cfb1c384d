import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';

/**
 * When the mirror and its maintenance run. A `rate()` schedule starts when it is created, so two
 * created together fire in the same minute forever. Where the interval divides an hour or a day, the
 * mirror runs on a cron at fixed slots (minute 0 onwards) and maintenance runs once a day half an
 * interval after the slot nearest before 03:00 UTC, between two mirror runs. Other intervals keep
 * `rate()`; a maintenance run that meets a mirror run then waits for the run lease.
 */

const MINUTES_PER_DAY = 24 * 60;
/** The daily maintenance goes near this time of day (UTC), in minutes after midnight. */
const MAINTENANCE_NEAR = 3 * 60;

/** Minutes of an interval that fits evenly in an hour or a day, else undefined. */
function slotMinutes(interval: Duration): number | undefined {
  const minutes = interval.toMinutes();
  const divides = (whole: number) => whole % minutes === 0;
  return divides(60) || (minutes % 60 === 0 && divides(MINUTES_PER_DAY)) ? minutes : undefined;
}

/** The mirror's schedule: fixed slots where the interval allows, else a rate. */
export function mirrorSchedule(interval: Duration): scheduler.ScheduleExpression {
  const minutes = slotMinutes(interval);
  if (minutes === undefined) {
    return scheduler.ScheduleExpression.rate(interval);
  }
  if (minutes <= 60) {
    return scheduler.ScheduleExpression.cron({ minute: minutes === 60 ? '0' : `0/${minutes}` });
  }
  const hours = minutes / 60;
  return scheduler.ScheduleExpression.cron({ minute: '0', hour: hours === 24 ? '0' : `0/${hours}` });
}

/** The default maintenance schedule: daily, between two mirror slots where there are slots. */
export function defaultMaintenanceSchedule(interval: Duration): scheduler.ScheduleExpression {
  const minutes = slotMinutes(interval);
  if (minutes === undefined) {
    return scheduler.ScheduleExpression.rate(Duration.days(1));
  }
  const at = Math.floor(MAINTENANCE_NEAR / minutes) * minutes + Math.floor(minutes / 2);
  return scheduler.ScheduleExpression.cron({ minute: `${at % 60}`, hour: `${Math.floor(at / 60)}` });
}
