/**
 * Event ids are shard index × EVENT_IDS_PER_SHARD + the shard's own sequence number (from 1),
 * exact in a double while shards stay below 2^21: a shard can number 2^32 − 1 events.
 */
export const EVENT_IDS_PER_SHARD = 0x1_0000_0000;
