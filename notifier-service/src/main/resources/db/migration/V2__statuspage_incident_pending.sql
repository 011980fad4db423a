-- A status-page incident being created: the row is written (status 'creating', no id yet) before the create call,
-- so a retry after a create whose answer could not be stored looks the incident up instead of creating a second one.
ALTER TABLE statuspage_incident ALTER COLUMN page_incident_id DROP NOT NULL;
-- The name the incident is created with, by which a retry finds it among the page's unresolved incidents.
ALTER TABLE statuspage_incident ADD COLUMN creating_name TEXT;
