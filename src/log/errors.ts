import { PipelineError } from '../core/errors.js'

/**
 * Errors of the log seam. Each says how to react: retry, reset the producer, or fix the call.
 * Codes follow Kafka's error names where Kafka has one.
 */
export class LogError extends PipelineError {}

export class UnknownTopicError extends LogError {
  constructor(topic: string, partition?: number) {
    const where = partition === undefined ? `topic "${topic}"` : `partition ${topic}[${partition}]`
    super(`Unknown ${where}: create the topic first (or check the partition number).`, {
      code: 'UNKNOWN_TOPIC_OR_PARTITION',
      domain: 'user',
      retryable: false,
    })
  }
}

export class InvalidArgumentError extends LogError {
  constructor(message: string) {
    super(message, { code: 'INVALID_REQUEST', domain: 'user', retryable: false })
  }
}

export class OffsetOutOfRangeError extends LogError {
  constructor(topic: string, partition: number, offset: number, logStart: number, highWatermark: number) {
    super(
      `Offset ${offset} is out of range for ${topic}[${partition}]: readable offsets are ` +
        `${logStart}..${highWatermark} (older ones were removed by retention).`,
      { code: 'OFFSET_OUT_OF_RANGE', domain: 'user', retryable: false },
    )
  }
}

/** Another producer with the same transactional id has a newer epoch; this one must stop. */
export class ProducerFencedError extends LogError {
  constructor(producerId: number, epoch: number, currentEpoch: number) {
    super(
      `Producer ${producerId} with epoch ${epoch} is fenced by epoch ${currentEpoch}: ` +
        `a newer instance took over its transactional id.`,
      { code: 'PRODUCER_FENCED', domain: 'user', retryable: false },
    )
  }
}

/** A sequence number gap: a batch was lost between producer and log; the producer must reset. */
export class OutOfOrderSequenceError extends LogError {
  constructor(producerId: number, expected: number, got: number) {
    super(`Producer ${producerId} sent sequence ${got} but the log expected ${expected}.`, {
      code: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
      domain: 'user',
      retryable: false,
    })
  }
}

export class InvalidTxnStateError extends LogError {
  constructor(message: string) {
    super(message, { code: 'INVALID_TXN_STATE', domain: 'user', retryable: false })
  }
}

/** A stored batch failed its checksum; it is never served. */
export class CorruptRecordError extends LogError {
  constructor(where: string) {
    super(`Corrupt record batch at ${where}: checksum or framing mismatch; the batch is not served.`, {
      code: 'CORRUPT_MESSAGE',
      domain: 'internal',
      retryable: false,
    })
  }
}

/** The data dir is held by another process (or another open Log in this one). */
export class LogLockedError extends LogError {
  constructor(dataDir: string, holder: string) {
    super(`The log directory ${dataDir} is in use by ${holder}; stop it or use another --data-dir.`, {
      code: 'LOG_DIR_LOCKED',
      domain: 'user',
      retryable: false,
    })
  }
}

export class LogClosedError extends LogError {
  constructor() {
    super('The log is closed.', { code: 'LOG_CLOSED', domain: 'internal', retryable: false })
  }
}

/** Disk I/O failed (full disk, I/O error). Retryable: the condition may clear. */
export class LogStorageError extends LogError {
  constructor(message: string, cause: unknown) {
    super(message, { code: 'KAFKA_STORAGE_ERROR', domain: 'external', retryable: true, cause })
  }
}
