package io.annexa.control;

import java.util.List;

/** An ISO/IEC 27001:2013 Annex A control ({@code A.9.4.2}) and the 2022 controls it became. */
public record LegacyControl(String id, String title, List<String> mapsTo) {

    public LegacyControl {
        mapsTo = List.copyOf(mapsTo);
    }
}
