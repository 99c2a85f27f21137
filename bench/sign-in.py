#!/usr/bin/env python3
"""Signs in through the Nafath simulator over plain HTTP, as a phone would
(start, read the number on the waiting page, pick it in the simulator, poll),
and prints the Cookie header of the session. With --product it also opens a
shop and saves a draft product when the person has none, and prints the
product editor's path on a second line. Used by bench/lighthouse.sh
for the signed-in pages. Usage: sign-in.py BASE NATIONAL_ID [--product]
"""
import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

base, national_id = sys.argv[1], sys.argv[2]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def get(path: str) -> str:
    with opener.open(base + path) as answer:
        return answer.read().decode()


def post(path: str, form: dict) -> None:
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(base + path, data=data, headers={"Accept": "application/json"})
    with opener.open(request) as answer:
        answer.read()


# Without `Accept: application/json` the server answers a form post with a redirect, like a browser.
with opener.open(base + "/api/start_sign_in", urllib.parse.urlencode({"national_id": national_id}).encode()) as a:
    a.read()
number = re.search(r'data-testid="nafath-number"[^>]*>\s*(?:<!>)?\s*(\d+)', get("/sign-in/wait")).group(1)
simulator = get("/nafath-simulator")
item = simulator.split(f'data-national-id="{national_id}"', 1)[1]
trans_id = re.search(r'name="trans_id" value="([^"]+)"', item).group(1)
post("/api/decide_simulator_request", {"trans_id": trans_id, "picked": number})
get("/api/poll_sign_in")
if not any(c.name != "i18n_pref_locale" for c in jar):
    sys.exit(f"sign-in of {national_id} gave no session cookie")

print("; ".join(f"{c.name}={c.value}" for c in jar if c.name != "i18n_pref_locale"))
if "--product" in sys.argv:
    page = get("/my-shop")
    if not re.search(r"/my-shop/products/\d+", page):
        if 'name="district_id"' in page and "/api/save_product" not in page:
            district = re.findall(r'<option value="(\d+)"', page.split('name="district_id"', 1)[1])[5]
            post("/api/save_shop", {"name_ar": "متجر القياس", "district_id": district, "pickup": "on"})
        post("/api/save_product", {
            "title_ar": "معمول بالتمر", "description_ar": "معمول بيتي طازج يُجهّز يوم الطلب",
            "category": "baked_goods", "price": "35", "availability": "in_stock",
        })
        page = get("/my-shop")
    print(re.search(r"/my-shop/products/\d+", page).group(0))
