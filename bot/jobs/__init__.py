"""Work after the reply: the job queue, outbox sweeps, broadcasts, automations."""
