-- Every full sync inserts or rewrites VM rows, and each index is one more B-tree to update per
-- row. These two served no query: the VM list filters with `?N IS NULL OR column = ?N`, which
-- cannot use them, and "import all on a host" finds its rows through UNIQUE (host_id, uuid).
DROP INDEX vms_state;
DROP INDEX vms_managed_host;
