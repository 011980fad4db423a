-- An incident opened or resolved reschedules the running analyses of its application and environment (the spec
-- holds both): this index finds them without reading every analysis ever kept.
CREATE INDEX analysis_running_scope ON analysis ((spec->>'application'), (spec->>'environment'))
    WHERE status = 'RUNNING';
