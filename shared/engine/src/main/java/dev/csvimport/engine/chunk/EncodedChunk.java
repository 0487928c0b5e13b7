package dev.csvimport.engine.chunk;

/**
 * A chunk ready to travel: its place in the import and its serialized rows.
 *
 * @param partition the ordered stream it belongs to
 * @param sequence its position in the partition, from 0
 * @param segment the segment of the file it was cut from, from 0
 * @param rowCount how many rows it holds
 * @param payload the chunk as {@link ChunkCodec} writes it, UTF-8 JSON
 */
public record EncodedChunk(
    int partition, int sequence, int segment, int rowCount, byte[] payload) {}
