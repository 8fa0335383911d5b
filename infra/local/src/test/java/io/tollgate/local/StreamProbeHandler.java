package io.tollgate.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import io.tollgate.platform.TollgateServices;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A stream consumer for {@link LocalStreamRuntimeIT}: keeps every new image it is given. */
public final class StreamProbeHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    static final List<Map<String, AttributeValue>> IMAGES = new CopyOnWriteArrayList<>();

    public StreamProbeHandler() {
    }

    public StreamProbeHandler(TollgateServices services) {
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        event.getRecords().forEach(record -> IMAGES.add(record.getDynamodb().getNewImage()));
        return new StreamsEventResponse();
    }
}
