import { Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';

/**
 * EMR Serverless' default Spark worker when the job sets no size (the mirror's job sets none): 4 vCPU
 * and 16 GB, for the driver and for each executor.
 */
export const DEFAULT_WORKER = { vcpu: 4, memoryGib: 16 };

/** A Spark job makes progress with a driver and at least one executor. */
const WORKERS_PER_JOB = 2;

/** The application's maximum capacity as EMR Serverless takes it (`16 vCPU`, `64 GB`). */
export interface ApplicationCapacity {
  readonly cpu: string;
  readonly memory: string;
}

/**
 * Checks `maxVcpu` and `maxMemory` against what one Spark job needs and what EMR Serverless accepts
 * (whole vCPUs and whole GB), and renders them. The errors name the prop and the value received.
 */
export function applicationCapacity(maxVcpu: number, maxMemory: Size): ApplicationCapacity {
  const minVcpu = WORKERS_PER_JOB * DEFAULT_WORKER.vcpu;
  const minMemoryGib = WORKERS_PER_JOB * DEFAULT_WORKER.memoryGib;
  const cpuKnown = !Token.isUnresolved(maxVcpu);
  if (cpuKnown && (!Number.isInteger(maxVcpu) || maxVcpu < minVcpu)) {
    throw new Error(`maxVcpu must be a whole number of at least ${minVcpu} vCPU (a Spark driver and one executor of ${DEFAULT_WORKER.vcpu} vCPU, EMR Serverless' default worker), got ${maxVcpu}`);
  }
  if (maxMemory.isUnresolved()) {
    // A token converts to GiB only when it was given in GiB.
    try {
      return { cpu: `${maxVcpu} vCPU`, memory: `${maxMemory.toGibibytes()} GB` };
    } catch {
      throw new Error(`maxMemory must be Size.gibibytes(...) when its amount is a token, got ${maxMemory.toString()}`);
    }
  }
  const gibibytes = maxMemory.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(gibibytes)) {
    throw new Error(`maxMemory must be a whole number of GiB (EMR Serverless takes whole GB), got ${maxMemory.toHumanString()}`);
  }
  if (gibibytes < minMemoryGib) {
    throw new Error(`maxMemory must be at least ${minMemoryGib} GiB (a Spark driver and one executor of ${DEFAULT_WORKER.memoryGib} GB, EMR Serverless' default worker), got ${maxMemory.toHumanString()}`);
  }
  return { cpu: `${maxVcpu} vCPU`, memory: `${gibibytes} GB` };
}
