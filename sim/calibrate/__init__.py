"""Calibration from a bureau's case log: read the log, fit demand, write a scenario, back-cast.

``logfile`` reads and checks the log (encodings, column mapping, timestamps, bad rows);
``export`` writes a log in the same format from a simulation; ``fit`` estimates rates,
profiles, channel shares and handling times; ``detection`` corrects detected cases to
occurrences; ``writer`` writes the calibrated scenario; ``report`` the fit report;
``backcast`` runs the calibrated scenario over the log's period and compares.
"""
