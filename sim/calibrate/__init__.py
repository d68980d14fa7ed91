"""Calibration from a bureau's case log: read the log, fit demand, write a scenario, back-cast.

``mapping`` (columns and names) and ``logfile`` read and check the log (``table``: encodings
and the file as strings; ``clean``: timestamps, bad rows by line and column; ``caselog``: the
log read and its problems); ``export`` writes a log in the same format from a
simulation; ``detection`` turns recorded cases into occurrences with the district's own
detection model and unfolds the profiles; ``shrink`` gives empirical-Bayes zone rates;
``handling`` chooses duration distributions by AIC; ``fit`` runs the estimation; ``writer``
writes the calibrated scenario; ``checks``, ``gof`` and ``report`` the fit report; ``backcast``
runs the calibrated scenario over the log's period and compares.
"""
