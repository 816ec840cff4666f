use capplan::model::Instance;

fn show(label: &str, text: &str) {
    match Instance::from_toml_str("bad.toml", text) {
        Ok(_) => println!("{label}: OK"),
        Err(e) => {
            for d in &e.0 {
                println!("{label}: {}:{} field={:?} msg={:?}", d.line, d.column, d.field, d.message);
            }
        }
    }
}

const BASE: &str = r#"[plan]
name = "Bad input test"
period = "2027-Q1"
currency = "EUR"

[[resources]]
id = "sales"
capacity_hours = 100

[[customers]]
id = "m1"
response.sales = { value_per_hour = 50 }
expectations.sales = { hours = 20, kind = "soft", penalty_per_hour = 15 }
"#;

#[test]
fn explore() {
    show("base", BASE);
    show("syntax", &BASE.replace("capacity_hours = 100", "capacity_hours = = 100"));
    show("wrongtype", &BASE.replace("capacity_hours = 100", "capacity_hours = \"lots\""));
    show("wrongtype_bool", &BASE.replace("capacity_hours = 100", "capacity_hours = true"));
    show("wrongtype_name", &BASE.replace("name = \"Bad input test\"", "name = 5"));
    show("unknown_top", &format!("colour = 1\n{BASE}"));
    show("unknown_res", &BASE.replace("capacity_hours = 100", "capacity_hours = 100\ncapacity = 3"));
    show("unknown_resp", &BASE.replace("value_per_hour = 50", "value_per_hour = 50, max_hour = 3"));
    show("unknown_exp", &BASE.replace("kind = \"soft\"", "kind = \"soft\", penalty = 3"));
    show("missing_name", &BASE.replace("name = \"Bad input test\"\n", ""));
    show("missing_cap", &BASE.replace("capacity_hours = 100\n", ""));
    show("missing_cid", &BASE.replace("id = \"m1\"\n", ""));
    show("firm", &BASE.replace("kind = \"soft\"", "kind = \"firm\""));
    show("no_res", &BASE.replace("[[resources]]\nid = \"sales\"\ncapacity_hours = 100\n", ""));
    show("empty_resp", &BASE.replace("{ value_per_hour = 50 }", "{ }"));
    show("soft_no_pen", &BASE.replace(", penalty_per_hour = 15", ""));
    show("no_segment", &format!("{BASE}\n[[segments]]\nid = \"smb\"\n"));
    show("missing_plan", &BASE.replace("[plan]\n", "[planx]\n"));
    show("nan", &BASE.replace("capacity_hours = 100", "capacity_hours = nan"));

    show("bom", &format!("\u{feff}{BASE}"));
    show("empty", "");
    show("noplan", &BASE.replace("[plan]\nname = \"Bad input test\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n", ""));
    show("unterminated", &BASE.replace("name = \"Bad input test\"", "name = \"Bad input test"));
    show("unclosed_inline", &BASE.replace("{ value_per_hour = 50 }", "{ value_per_hour = 50"));
    show("inline_plan_utf8", &BASE.replace("[plan]\nname = \"Bad input test\"\nperiod = \"2027-Q1\"\ncurrency = \"EUR\"\n", "plan = { name = \"Bäckerei Müller\", period = \"2027-Q1\", currency = \"EUR\", notez = \"x\" }\n"));
    show("points_empty", &BASE.replace("{ value_per_hour = 50 }", "{ points = [] }"));
    show("points_short_tuple", &BASE.replace("{ value_per_hour = 50 }", "{ points = [[0, 0], [5]] }"));
    show("points_long_tuple", &BASE.replace("{ value_per_hour = 50 }", "{ points = [[0, 0], [5, 1, 2]] }"));
    show("points_nan", &BASE.replace("{ value_per_hour = 50 }", "{ points = [[0, 0], [5, nan]] }"));
    show("missing_kind", &BASE.replace("kind = \"soft\", ", ""));
    show("kind_number", &BASE.replace("kind = \"soft\"", "kind = 3"));
    show("floor_misspelt", &BASE.replace("[[customers]]\nid = \"m1\"\n", "[[customers]]\nid = \"m1\"\nfloor_hour = { sales = 1 }\n"));
    show("crlf", &BASE.replace("capacity_hours = 100", "capacity_hours = -100").replace('\n', "\r\n"));
    show("dup_key", &BASE.replace("capacity_hours = 100", "capacity_hours = 100\ncapacity_hours = 100"));
    show("header_form", &format!("{BASE}[customers.response.sales]\nvalue_per_hour = 3\n"));
    show("resp_header_unknown", &(BASE.replace("response.sales = { value_per_hour = 50 }\n", "") + "\n[customers.response.sales]\nvalue_per_hour = 3\nmax_hour = 4\n"));
    show("table_as_number", &BASE.replace("capacity_hours = 100", "capacity_hours = { x = 1 }"));
    show("current_string", &BASE.replace("id = \"m1\"\n", "id = \"m1\"\ncurrent_hours = { sales = \"4\" }\n"));
    show("resources_as_table", &BASE.replace("[[resources]]", "[resources]"));
    show("id_number", &BASE.replace("id = \"m1\"", "id = 1"));
    show("bom_err", &format!("\u{feff}colour = 1\n{BASE}"));
    show("bom_neg", &format!("\u{feff}{}", BASE.replace("[plan]\n", "").replace("name = \"Bad input test\"\n", "plan.name = \"\"\n").replace("period", "plan.period").replace("currency", "plan.currency")));
    show("inf", &BASE.replace("capacity_hours = 100", "capacity_hours = -inf"));
}
