package search

import "context"

// WaitTable waits until the catalogue table has loaded.
func (x *Index) WaitTable() { <-x.tableDone }

// CatalogueFromIndex answers q with the index alone, bypassing the table.
func (x *Index) CatalogueFromIndex(ctx context.Context, q CatalogueQuery) (CatalogueResult, error) {
	return x.catalogueFromIndex(ctx, q)
}
