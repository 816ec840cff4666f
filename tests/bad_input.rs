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
    show("inf", &BASE.replace("capacity_hours = 100", "capacity_hours = -inf"));
}
