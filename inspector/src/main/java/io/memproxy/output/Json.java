package io.memproxy.output;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Writer;
import java.io.UncheckedIOException;

/**
 * How every JSON document is written: a record per document (and per nested object) mapped by the one
 * {@link #MAPPER}, whose naming strategy turns the record components into snake_case keys, in declaration
 * order. A component that may be absent is annotated {@code @JsonInclude(NON_NULL)}; any other null is
 * written as null. Objects whose keys are values (class labels, route names, variable names) are maps. A key
 * that is a Java keyword ({@code class}, {@code static}, {@code default}) is named with {@code @JsonProperty}, and
 * its record lists its key order with {@code @JsonPropertyOrder}: Jackson would move a renamed property last.
 */
public final class Json {
    /** The mapper of every document; thread-safe once built. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            // Streamed documents (scan) write record by record into one generator that flushes at its end.
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
            .build();

    private Json() {}

    /**
     * A whole document: the field names are a public interface (docs/json.md), so a document adds
     * fields freely but renames or removes one only together with a new schema version (CHANGELOG.md).
     */
    public interface Document {
        int schemaVersion();
    }

    /**
     * The document pretty-printed, then a newline. Written straight to {@code out}, never built as one string
     * first: a hostile preload file can make a document larger than a small heap (HostileImageTest).
     */
    public static void write(Document document, Writer out) {
        try {
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, document);
            out.write(System.lineSeparator());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
