package io.tollgate.audit.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The "events per day" section of the HTML compliance report: an inline SVG bar chart drawn on
 * the server (no script, no external resource), one bar per day of {@code events_per_day}, with a
 * {@code <title>} per bar (the exact count, shown on hover and read by screen readers) and the
 * peak day stated in the text. Colours are SVG presentation attributes, so the chart stays
 * readable even where the style sheet is not applied.
 */
final class EventsChart {

    static final int WIDTH = 820;
    static final int HEIGHT = 220;
    private static final int LEFT = 48;
    private static final int RIGHT = 8;
    private static final int TOP = 12;
    private static final int BOTTOM = 34;
    private static final int MAX_X_LABELS = 8;

    private EventsChart() {
    }

    private record Day(String date, long events) {
    }

    static void append(StringBuilder html, Object eventsPerDay) {
        List<Day> days = new ArrayList<>();
        if (eventsPerDay instanceof Collection<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> day && day.get("events") instanceof Number n) {
                    days.add(new Day(String.valueOf(day.get("date")), n.longValue()));
                }
            }
        }
        html.append("<section class=\"activity\"><h2>Events per day</h2>\n");
        long total = days.stream().mapToLong(Day::events).sum();
        if (days.isEmpty() || total == 0) {
            html.append("<p>No events were recorded in the period.</p></section>\n");
            return;
        }
        Day peak = days.stream().max(java.util.Comparator.comparingLong(Day::events)).orElseThrow();
        long max = niceCeiling(peak.events());
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double slot = plotWidth / days.size();
        double bar = Math.max(1.0, slot * 0.8);
        html.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"Events per day, ")
                .append(ComplianceReportHtml.escape(days.getFirst().date())).append(" to ")
                .append(ComplianceReportHtml.escape(days.getLast().date())).append("\">");
        for (long tick : new long[] {0, max / 2, max}) {
            double y = TOP + plotHeight - plotHeight * tick / max;
            html.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#d5dbe3\" stroke-width=\"1\"/>")
                    .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(y + 4))
                    .append("\" text-anchor=\"end\" font-size=\"11\" fill=\"#5b6675\">").append(tick).append("</text>");
        }
        int step = Math.max(1, (days.size() + MAX_X_LABELS - 1) / MAX_X_LABELS);
        for (int i = 0; i < days.size(); i++) {
            Day day = days.get(i);
            double x = LEFT + i * slot + (slot - bar) / 2;
            double height = plotHeight * day.events() / max;
            html.append("<rect class=\"bar\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(TOP + plotHeight - height))
                    .append("\" width=\"").append(fmt(bar)).append("\" height=\"").append(fmt(height))
                    .append("\" fill=\"#2f6690\"><title>").append(ComplianceReportHtml.escape(day.date())).append(": ")
                    .append(day.events()).append(day.events() == 1 ? " event" : " events").append("</title></rect>");
            if (i % step == 0 || i == days.size() - 1 && (i % step) * 2 > step) {
                html.append("<text x=\"").append(fmt(LEFT + i * slot + slot / 2)).append("\" y=\"").append(HEIGHT - 12)
                        .append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6675\">")
                        .append(ComplianceReportHtml.escape(shortDate(day.date()))).append("</text>");
            }
        }
        html.append("</svg>\n<p class=\"ref\">").append(String.format(Locale.ROOT, "%,d", total))
                .append(" events over ").append(days.size()).append(days.size() == 1 ? " day" : " days")
                .append(" (UTC); busiest day ").append(ComplianceReportHtml.escape(peak.date())).append(" with ")
                .append(String.format(Locale.ROOT, "%,d", peak.events())).append(".</p></section>\n");
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code value} (and at least 2, so the midline is whole). */
    static long niceCeiling(long value) {
        long magnitude = 1;
        while (true) {
            for (long factor : new long[] {1, 2, 5}) {
                long candidate = factor * magnitude;
                if (candidate >= Math.max(2, value)) {
                    return candidate;
                }
            }
            magnitude *= 10;
        }
    }

    private static String shortDate(String isoDate) {
        return isoDate.length() == 10 ? isoDate.substring(5) : isoDate;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
