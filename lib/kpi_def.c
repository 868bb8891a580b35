/* The KPI catalogue: names, kinds, breakdowns and definitions (SPEC section 4). */
#include <string.h>

#include "kpi.h"

#define B(x) (1u << BD_##x)
#define REQ_BD (B(SERVICE) | B(UNIT) | B(CHANNEL) | B(METHOD))

const struct kpi_def kpi_defs[KPI_COUNT] = {
	[KPI_REQUESTS] = {
		"requests", KIND_COUNT, UNIT_COUNT, REQ_BD, 1,
		"จำนวนคำขอรับบริการ", "Service requests",
		"จำนวนคำขอรับบริการที่ยื่นในช่วงเวลา", "Requests submitted in the period",
		"คำขอที่ยื่นในช่วงเวลา", "requests submitted in the period", "", "",
	},
	[KPI_ACTIVE_USERS] = {
		"active_users", KIND_COUNT, UNIT_COUNT, REQ_BD, 1,
		"ผู้รับบริการ (ไม่นับซ้ำ)", "Active users",
		"จำนวนผู้รับบริการที่ไม่ซ้ำกันซึ่งยื่นคำขอในช่วงเวลา",
		"Distinct users with a request submitted in the period",
		"ผู้รับบริการที่ไม่ซ้ำกัน", "distinct users with a request", "", "",
	},
	[KPI_ENROLMENTS] = {
		"digital_id_enrolments", KIND_COUNT, UNIT_COUNT, REQ_BD, 1,
		"ผู้พิสูจน์ตัวตน Digital ID รายใหม่", "New Digital ID enrolments",
		"จำนวนผู้ใช้ที่พิสูจน์ตัวตน (Identification) สำเร็จเป็นครั้งแรกในช่วงเวลา",
		"Users whose first ever successful identification falls in the period",
		"ผู้ใช้ที่พิสูจน์ตัวตนสำเร็จครั้งแรก", "users first identified successfully", "", "",
	},
	[KPI_ENROLMENT_RATE] = {
		"digital_id_enrolment_rate", KIND_RATE, UNIT_FRACTION, REQ_BD, 1,
		"อัตราการสมัครใช้ Digital ID", "Digital ID sign-up rate",
		"สัดส่วนผู้รับบริการในช่วงเวลาที่เคยพิสูจน์ตัวตนสำเร็จก่อนสิ้นช่วงเวลา",
		"Share of the period's active users identified successfully before its end",
		"ผู้รับบริการที่พิสูจน์ตัวตนสำเร็จแล้ว", "active users with a successful identification",
		"ผู้รับบริการในช่วงเวลา", "active users",
	},
	[KPI_SATISFACTION_MEAN] = {
		"satisfaction_mean", KIND_MEAN, UNIT_SCORE, B(SERVICE) | B(UNIT) | B(CHANNEL), 1,
		"ความพึงพอใจของการใช้บริการ (คะแนนเฉลี่ย)", "Satisfaction (mean score)",
		"คะแนนความพึงพอใจเฉลี่ย (1–5) ของแบบสอบถามที่ตอบในช่วงเวลา",
		"Mean satisfaction score (1-5) of the responses answered in the period",
		"ผลรวมคะแนน", "sum of scores", "จำนวนผู้ตอบ", "responses",
	},
	[KPI_SATISFACTION_CSAT] = {
		"satisfaction_csat", KIND_RATE, UNIT_FRACTION, B(SERVICE) | B(UNIT) | B(CHANNEL), 1,
		"สัดส่วนผู้พึงพอใจ (4–5 คะแนน)", "Satisfied responses (score 4-5)",
		"สัดส่วนแบบสอบถามที่ให้คะแนน 4 หรือ 5",
		"Share of responses scoring 4 or 5",
		"ผู้ตอบที่ให้ 4–5 คะแนน", "responses scoring 4 or 5", "จำนวนผู้ตอบ", "responses",
	},
	[KPI_SERVICE_TIME_MEDIAN] = {
		"service_time_median_hours", KIND_PERCENTILE, UNIT_HOURS, REQ_BD, 0,
		"เวลาในการให้บริการ (มัธยฐาน, ชั่วโมง)", "Service time, median (hours)",
		"มัธยฐานของเวลาตั้งแต่ยื่นคำขอจนดำเนินการแล้วเสร็จ ของคำขอที่เสร็จในช่วงเวลา",
		"Median hours from submission to completion, of requests completed in the period",
		"", "", "คำขอที่ดำเนินการเสร็จในช่วงเวลา", "requests completed in the period",
	},
	[KPI_SERVICE_TIME_P90] = {
		"service_time_p90_hours", KIND_PERCENTILE, UNIT_HOURS, REQ_BD, 0,
		"เวลาในการให้บริการ (เปอร์เซ็นไทล์ที่ 90, ชั่วโมง)", "Service time, 90th percentile (hours)",
		"เปอร์เซ็นไทล์ที่ 90 ของเวลาตั้งแต่ยื่นคำขอจนดำเนินการแล้วเสร็จ",
		"90th percentile of hours from submission to completion",
		"", "", "คำขอที่ดำเนินการเสร็จในช่วงเวลา", "requests completed in the period",
	},
	[KPI_DIGITAL_CHANNEL_RATE] = {
		"digital_channel_rate", KIND_RATE, UNIT_FRACTION, REQ_BD, 1,
		"อัตราการใช้บริการดิจิทัล", "Digital service usage rate",
		"สัดส่วนคำขอที่ยื่นผ่านช่องทางดิจิทัล (เว็บไซต์ แอปพลิเคชัน ตู้บริการ)",
		"Share of requests submitted on a digital channel (web, mobile, kiosk)",
		"คำขอผ่านช่องทางดิจิทัล", "requests on a digital channel",
		"คำขอทั้งหมด", "requests",
	},
	[KPI_DIGITAL_ID_USE_RATE] = {
		"digital_id_use_rate", KIND_RATE, UNIT_FRACTION, REQ_BD, 1,
		"อัตราการยืนยันตัวตนด้วย Digital ID", "Digital ID use rate",
		"สัดส่วนคำขอผ่านช่องทางดิจิทัลที่ยืนยันตัวตนด้วย Digital ID",
		"Share of digital-channel requests authenticated with Digital ID",
		"คำขอดิจิทัลที่ใช้ Digital ID", "digital requests using Digital ID",
		"คำขอผ่านช่องทางดิจิทัล", "requests on a digital channel",
	},
	[KPI_REPEAT_USE_RATE] = {
		"repeat_use_rate", KIND_RATE, UNIT_FRACTION, REQ_BD, 1,
		"อัตราการอุดหนุนการใช้บริการ (ใช้ซ้ำ)", "Repeat-use (patronage) rate",
		"สัดส่วนผู้ใช้บริการดิจิทัลที่ยื่นคำขอผ่านช่องทางดิจิทัลตั้งแต่ 2 ครั้งขึ้นไปในช่วงเวลา",
		"Share of digital users with two or more digital requests in the period",
		"ผู้ใช้ที่มีคำขอดิจิทัล ≥ 2 ครั้ง", "users with 2+ digital requests",
		"ผู้ใช้ที่มีคำขอดิจิทัล ≥ 1 ครั้ง", "users with 1+ digital request",
	},
	[KPI_SINGLE_WINDOW_RATE] = {
		"single_window_rate", KIND_RATE, UNIT_FRACTION, REQ_BD, 1,
		"อัตราการรับบริการผ่าน Single Window", "Single Window rate",
		"สัดส่วนคำขอที่เข้ารับบริการผ่านช่องทางเดียว (Single Window)",
		"Share of requests entering through the Single Window",
		"คำขอผ่าน Single Window", "requests via the Single Window", "คำขอทั้งหมด", "requests",
	},
	[KPI_COMPLETION_RATE] = {
		"completion_rate", KIND_RATE, UNIT_FRACTION, REQ_BD, 1,
		"อัตราคำขอที่ดำเนินการแล้วเสร็จ", "Completion rate",
		"สัดส่วนคำขอที่ยื่นในช่วงเวลาซึ่งมีสถานะดำเนินการแล้วเสร็จ (ณ ปัจจุบัน)",
		"Share of the period's requests whose current status is completed",
		"คำขอที่เสร็จแล้ว", "completed requests", "คำขอที่ยื่นในช่วงเวลา", "requests submitted",
	},
	[KPI_AUTH_SUCCESS_RATE] = {
		"auth_success_rate", KIND_RATE, UNIT_FRACTION, REQ_BD, 1,
		"อัตราการยืนยันตัวตนสำเร็จ", "Authentication success rate",
		"สัดส่วนการยืนยันตัวตน (Authentication) ที่สำเร็จ",
		"Share of authentication events that succeeded",
		"การยืนยันตัวตนที่สำเร็จ", "successful authentications",
		"การยืนยันตัวตนทั้งหมด", "authentication events",
	},
	[KPI_IDENTIFICATION_SUCCESS_RATE] = {
		"identification_success_rate", KIND_RATE, UNIT_FRACTION, REQ_BD, 1,
		"อัตราการพิสูจน์ตัวตนสำเร็จ", "Identification success rate",
		"สัดส่วนการพิสูจน์ตัวตน (Identification) ที่สำเร็จ",
		"Share of identification events that succeeded",
		"การพิสูจน์ตัวตนที่สำเร็จ", "successful identifications",
		"การพิสูจน์ตัวตนทั้งหมด", "identification events",
	},
	[KPI_AUTH_LATENCY_MEDIAN] = {
		"auth_latency_median_ms", KIND_PERCENTILE, UNIT_MS, REQ_BD, 0,
		"เวลาในการยืนยันตัวตน (มัธยฐาน, มิลลิวินาที)", "Authentication latency, median (ms)",
		"มัธยฐานของเวลาที่ใช้ในการยืนยันตัวตนที่สำเร็จ",
		"Median latency of successful authentications",
		"", "", "การยืนยันตัวตนที่สำเร็จและมีเวลา", "successful authentications with a latency",
	},
	[KPI_EDID_COVERAGE] = {
		"eservice_digital_id_coverage", KIND_RATE, UNIT_FRACTION, B(SERVICE) | B(UNIT), 1,
		"สัดส่วน e-Service ที่ใช้ Digital ID", "e-Services accepting Digital ID",
		"สัดส่วนบริการอิเล็กทรอนิกส์ที่เริ่มรับ Digital ID ก่อนสิ้นช่วงเวลา",
		"Share of e-services accepting Digital ID before the end of the period",
		"e-Service ที่ใช้ Digital ID", "e-services on Digital ID", "e-Service ทั้งหมด", "e-services",
	},
	[KPI_STAFF_TRAINING_COVERAGE] = {
		"staff_training_coverage", KIND_RATE, UNIT_FRACTION, B(UNIT), 1,
		"สัดส่วนเจ้าหน้าที่ที่ผ่านการอบรม Digital ID", "Front-line staff trained on Digital ID",
		"สัดส่วนเจ้าหน้าที่ด่านหน้าที่ผ่านการฝึกอบรมการให้บริการด้วย Digital ID ก่อนสิ้นช่วงเวลา",
		"Share of front-line staff trained on Digital ID services before the end of the period",
		"เจ้าหน้าที่ที่ผ่านการอบรม", "trained front-line staff",
		"เจ้าหน้าที่ด่านหน้า", "front-line staff",
	},
	/* Cost (issue 13 item 4): requests completed with closed_at in P, each
	 * at the cost of channel_costs in force on the local date of its
	 * closed_at. No method breakdown: a method costs nothing by itself. */
	[KPI_COST_PER_TRANSACTION] = {
		"cost_per_transaction", KIND_RATIO, UNIT_BAHT, B(SERVICE) | B(UNIT) | B(CHANNEL), 0,
		"ต้นทุนต่อรายการ (บาท)", "Cost per transaction (baht)",
		"ต้นทุนรวมของคำขอที่ดำเนินการแล้วเสร็จในช่วงเวลาทุกช่องทาง หารด้วยจำนวนคำขอที่เสร็จ "
		"(ต้นทุนต่อรายการของช่องทาง ณ วันที่เสร็จ)",
		"Total cost of the requests completed in the period, all channels, over their number "
		"(each at its channel's unit cost on the day it was completed)",
		"ต้นทุนรวม (บาท)", "total cost (baht)",
		"คำขอที่ดำเนินการเสร็จในช่วงเวลา", "requests completed in the period",
	},
	[KPI_DIGITAL_SAVINGS] = {
		"digital_savings_thb", KIND_SUM, UNIT_BAHT, B(SERVICE) | B(UNIT) | B(CHANNEL), 1,
		"ประหยัดได้จากช่องทางดิจิทัล (บาท)", "Savings from digital channels (baht)",
		"ต้นทุนที่คำขอผ่านช่องทางดิจิทัลซึ่งเสร็จในช่วงเวลาจะมีหากให้บริการที่เคาน์เตอร์ "
		"ลบด้วยต้นทุนจริง",
		"What the digital requests completed in the period would have cost at the counter "
		"(the cheapest non-digital channel), minus what they cost",
		"ต้นทุนที่ประหยัดได้ (บาท)", "baht saved",
		"คำขอดิจิทัลที่ดำเนินการเสร็จในช่วงเวลา", "digital requests completed in the period",
	},
};

int kpi_find(const char *name)
{
	int i;

	for (i = 0; i < KPI_COUNT; i++)
		if (!strcmp(kpi_defs[i].name, name))
			return i;
	return -1;
}

static const char *const bd_names[BD_COUNT] = { "all", "service", "unit", "channel", "method" };
static const char *const bd_th[BD_COUNT] = { "ทั้งหมด", "บริการ", "หน่วยงาน", "ช่องทาง",
					     "วิธียืนยันตัวตน" };
static const char *const bd_en[BD_COUNT] = { "All", "Service", "Unit", "Channel", "Method" };

const char *breakdown_name(enum breakdown b)
{
	return bd_names[b];
}

const char *breakdown_label(enum breakdown b, int thai)
{
	return thai ? bd_th[b] : bd_en[b];
}

int breakdown_find(const char *name)
{
	int i;

	for (i = 0; i < BD_COUNT; i++)
		if (!strcmp(bd_names[i], name))
			return i;
	return -1;
}
