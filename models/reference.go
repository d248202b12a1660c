// Package models is the domain of the WSIS Stocktaking & Prizes platform: its
// reference data, types, rules and errors. It imports neither the web
// framework nor the database driver, so every rule here is tested with plain
// values.
package models

// ActionLine is one of the 18 WSIS action lines. Prize category n is action
// line n, so a Category is its ActionLine's Number.
type ActionLine struct {
	Number int    `json:"number"`
	Code   string `json:"code"`
	Name   string `json:"name"`
}

// SDG is one of the 17 Sustainable Development Goals.
type SDG struct {
	Number int    `json:"number"`
	Name   string `json:"name"`
}

// GDCObjective is one of the 5 objectives of the Global Digital Compact.
type GDCObjective struct {
	Number int    `json:"number"`
	Name   string `json:"name"`
}

// StakeholderType says which kind of organization records a project.
type StakeholderType string

// The stakeholder types of SPEC §2.
const (
	StakeholderGovernment                StakeholderType = "government"
	StakeholderPrivateSector             StakeholderType = "private-sector"
	StakeholderCivilSociety              StakeholderType = "civil-society"
	StakeholderAcademia                  StakeholderType = "academia"
	StakeholderInternationalOrganization StakeholderType = "international-organization"
	StakeholderOther                     StakeholderType = "other"
)

// StakeholderTypes lists every StakeholderType in SPEC order.
var StakeholderTypes = []StakeholderType{
	StakeholderGovernment, StakeholderPrivateSector, StakeholderCivilSociety,
	StakeholderAcademia, StakeholderInternationalOrganization, StakeholderOther,
}

// Region is one of the six ITU regions every country belongs to.
type Region string

// The ITU regions of SPEC §2.
const (
	RegionAfrica      Region = "africa"
	RegionAmericas    Region = "americas"
	RegionArabStates  Region = "arab-states"
	RegionAsiaPacific Region = "asia-pacific"
	RegionCIS         Region = "cis"
	RegionEurope      Region = "europe"
)

// Regions lists every Region.
var Regions = []Region{
	RegionAfrica, RegionAmericas, RegionArabStates, RegionAsiaPacific, RegionCIS, RegionEurope,
}

// Country is an ISO 3166-1 alpha-2 country or territory and its ITU region.
type Country struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Region Region `json:"region"`
}

// Criterion is one review criterion, scored 0–10 by reviewers.
type Criterion struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// ActionLines lists the 18 action lines in SPEC §2 order; category n is
// ActionLines[n-1].
var ActionLines = []ActionLine{
	{1, "c1", "The role of public governance authorities and all stakeholders in the promotion of ICTs for development"},
	{2, "c2", "Information and communication infrastructure"},
	{3, "c3", "Access to information and knowledge"},
	{4, "c4", "Capacity building"},
	{5, "c5", "Building confidence and security in the use of ICTs"},
	{6, "c6", "Enabling environment"},
	{7, "c7-e-government", "ICT applications: E-government"},
	{8, "c7-e-business", "ICT applications: E-business"},
	{9, "c7-e-learning", "ICT applications: E-learning"},
	{10, "c7-e-health", "ICT applications: E-health"},
	{11, "c7-e-employment", "ICT applications: E-employment"},
	{12, "c7-e-environment", "ICT applications: E-environment"},
	{13, "c7-e-agriculture", "ICT applications: E-agriculture"},
	{14, "c7-e-science", "ICT applications: E-science"},
	{15, "c8", "Cultural diversity and identity, linguistic diversity and local content"},
	{16, "c9", "Media"},
	{17, "c10", "Ethical dimensions of the Information Society"},
	{18, "c11", "International and regional cooperation"},
}

// SDGs lists the 17 Sustainable Development Goals with their official short names.
var SDGs = []SDG{
	{1, "No poverty"},
	{2, "Zero hunger"},
	{3, "Good health and well-being"},
	{4, "Quality education"},
	{5, "Gender equality"},
	{6, "Clean water and sanitation"},
	{7, "Affordable and clean energy"},
	{8, "Decent work and economic growth"},
	{9, "Industry, innovation and infrastructure"},
	{10, "Reduced inequalities"},
	{11, "Sustainable cities and communities"},
	{12, "Responsible consumption and production"},
	{13, "Climate action"},
	{14, "Life below water"},
	{15, "Life on land"},
	{16, "Peace, justice and strong institutions"},
	{17, "Partnerships for the goals"},
}

// GDCObjectives lists the five objectives of the Global Digital Compact.
var GDCObjectives = []GDCObjective{
	{1, "Close all digital divides and accelerate progress across the Sustainable Development Goals"},
	{2, "Expand inclusion in and benefits from the digital economy for all"},
	{3, "Foster an inclusive, open, safe and secure digital space that respects, protects and promotes human rights"},
	{4, "Advance responsible, equitable and interoperable data governance approaches"},
	{5, "Enhance international governance of artificial intelligence for the benefit of humanity"},
}

// DefaultCriteria is the review criteria set a contest starts with.
var DefaultCriteria = []Criterion{
	{"relevance", "Relevance to the action line"},
	{"impact", "Results and impact"},
	{"empowerment", "Community empowerment"},
	{"sdg_gdc", "Relevance to the SDGs and the Global Digital Compact"},
	{"replicability", "Replicability"},
	{"sustainability", "Sustainability"},
	{"partnerships", "Partnerships"},
	{"wsis_values", "WSIS values"},
}

// Countries lists every ISO 3166-1 alpha-2 country and territory, sorted by
// code, each with its ITU region.
func Countries() []Country { return countries }

var countryByCode = func() map[string]Country {
	m := make(map[string]Country, len(countries))
	for _, c := range countries {
		m[c.Code] = c
	}
	return m
}()

// CountryByCode returns the country with the ISO 3166-1 alpha-2 code and
// whether it exists. Codes are upper case.
func CountryByCode(code string) (Country, bool) {
	c, ok := countryByCode[code]
	return c, ok
}

// ActionLineByCode returns the action line with the code and whether it exists.
func ActionLineByCode(code string) (ActionLine, bool) {
	for _, a := range ActionLines {
		if a.Code == code {
			return a, true
		}
	}
	return ActionLine{}, false
}

// ValidRegion reports whether r is one of the six ITU regions.
func ValidRegion(r Region) bool {
	for _, x := range Regions {
		if x == r {
			return true
		}
	}
	return false
}

// ValidStakeholderType reports whether s is one of SPEC §2's stakeholder types.
func ValidStakeholderType(s StakeholderType) bool {
	for _, x := range StakeholderTypes {
		if x == s {
			return true
		}
	}
	return false
}

// Reference is everything SPEC §2 defines, as GET /api/v1/reference serves it.
type Reference struct {
	ActionLines      []ActionLine      `json:"action_lines"`
	Categories       []ActionLine      `json:"categories"`
	SDGs             []SDG             `json:"sdgs"`
	GDCObjectives    []GDCObjective    `json:"gdc_objectives"`
	StakeholderTypes []StakeholderType `json:"stakeholder_types"`
	Regions          []Region          `json:"regions"`
	Countries        []Country         `json:"countries"`
	Criteria         []Criterion       `json:"criteria"`
}

// ReferenceData returns SPEC §2's reference data. Categories equal action
// lines: prize category n is action line n.
func ReferenceData() Reference {
	return Reference{
		ActionLines:      ActionLines,
		Categories:       ActionLines,
		SDGs:             SDGs,
		GDCObjectives:    GDCObjectives,
		StakeholderTypes: StakeholderTypes,
		Regions:          Regions,
		Countries:        countries,
		Criteria:         DefaultCriteria,
	}
}
