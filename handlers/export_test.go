package handlers

// BindJSONForTest is bindJSON, for routes that exist only in tests.
var BindJSONForTest = bindJSON
