package org.example.weather;

import java.io.Serializable;
import java.util.List;

/** An application value type outside MemoCache's packages, admitted by the allow-list. */
public record Reading(String station, List<Double> celsius) implements Serializable {}
