package io.tollgate.alerting.trail;

import io.tollgate.audit.chain.StoredLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The next batch of a tenant's trail after its cursor (docs/adr/0069): the links read from
 * {@code cursor + 1} on, taken while their positions are contiguous. A gap ends the batch (the
 * cursor never passes a position it has not seen); a link whose event is unreadable or purged
 * (a retention hash stub) is passed over without being sent, so it cannot hold the trail up.
 *
 * @param events  the OCSF events to send, in chain order
 * @param lastSeq the position the cursor moves to once the SIEM acknowledged {@code events};
 *                equal to the cursor when nothing could be taken
 */
public record TrailBatch(List<Map<String, Object>> events, long lastSeq) {

    public TrailBatch {
        events = List.copyOf(events);
    }

    /** The batch of {@code links} (in position order, as the chain query returns them) after {@code cursor}. */
    public static TrailBatch after(long cursor, List<StoredLink> links) {
        List<Map<String, Object>> events = new ArrayList<>();
        long last = cursor;
        for (StoredLink link : links) {
            if (link.position() <= last) {
                continue;
            }
            if (link.position() != last + 1) {
                break;
            }
            last = link.position();
            if (!link.purged()) {
                long position = last;
                link.readable().ifPresent(event -> events.add(OcsfMapping.map(position, link.hash(), event)));
            }
        }
        return new TrailBatch(events, last);
    }

    /** Whether the cursor can move (something was sent or passed over). */
    public boolean advances(long cursor) {
        return lastSeq > cursor;
    }
}
