package dev.posbench.channel;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of the contract's codecs; thread-safe once configured, and never configured after. */
final class WireJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private WireJson() {}
}
