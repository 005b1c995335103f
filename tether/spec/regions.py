"""Known regions per provider and the continent each sits on (for the buffering advice, R13)."""

from __future__ import annotations

from typing import Literal

Continent = Literal["africa", "asia", "europe", "middle-east", "north-america", "oceania", "south-america"]

AWS_REGIONS: dict[str, Continent] = {
    "af-south-1": "africa",
    "ap-east-1": "asia", "ap-east-2": "asia", "ap-northeast-1": "asia", "ap-northeast-2": "asia",
    "ap-northeast-3": "asia", "ap-south-1": "asia", "ap-south-2": "asia", "ap-southeast-1": "asia",
    "ap-southeast-2": "oceania", "ap-southeast-3": "asia", "ap-southeast-4": "oceania",
    "ap-southeast-5": "asia", "ap-southeast-6": "oceania", "ap-southeast-7": "asia",
    "ca-central-1": "north-america", "ca-west-1": "north-america",
    "eu-central-1": "europe", "eu-central-2": "europe", "eu-north-1": "europe", "eu-south-1": "europe",
    "eu-south-2": "europe", "eu-west-1": "europe", "eu-west-2": "europe", "eu-west-3": "europe",
    "il-central-1": "middle-east", "me-central-1": "middle-east", "me-south-1": "middle-east",
    "mx-central-1": "north-america", "sa-east-1": "south-america",
    "us-east-1": "north-america", "us-east-2": "north-america", "us-west-1": "north-america",
    "us-west-2": "north-america", "us-gov-east-1": "north-america", "us-gov-west-1": "north-america",
}

GCP_LOCATIONS: dict[str, Continent] = {
    "us": "north-america", "eu": "europe", "asia": "asia",
    "nam4": "north-america", "eur4": "europe", "eur5": "europe", "eur7": "europe", "eur8": "europe",
    "asia1": "asia",
    "africa-south1": "africa",
    "asia-east1": "asia", "asia-east2": "asia", "asia-northeast1": "asia", "asia-northeast2": "asia",
    "asia-northeast3": "asia", "asia-south1": "asia", "asia-south2": "asia", "asia-southeast1": "asia",
    "asia-southeast2": "asia", "australia-southeast1": "oceania", "australia-southeast2": "oceania",
    "europe-central2": "europe", "europe-north1": "europe", "europe-north2": "europe",
    "europe-southwest1": "europe", "europe-west1": "europe", "europe-west2": "europe",
    "europe-west3": "europe", "europe-west4": "europe", "europe-west6": "europe", "europe-west8": "europe",
    "europe-west9": "europe", "europe-west10": "europe", "europe-west12": "europe",
    "me-central1": "middle-east", "me-central2": "middle-east", "me-west1": "middle-east",
    "northamerica-northeast1": "north-america", "northamerica-northeast2": "north-america",
    "northamerica-south1": "north-america", "southamerica-east1": "south-america",
    "southamerica-west1": "south-america", "us-central1": "north-america", "us-east1": "north-america",
    "us-east4": "north-america", "us-east5": "north-america", "us-south1": "north-america",
    "us-west1": "north-america", "us-west2": "north-america", "us-west3": "north-america",
    "us-west4": "north-america",
}

AZURE_REGIONS: dict[str, Continent] = {
    "australiaeast": "oceania", "australiasoutheast": "oceania", "brazilsouth": "south-america",
    "canadacentral": "north-america", "canadaeast": "north-america", "centralindia": "asia",
    "centralus": "north-america", "eastasia": "asia", "eastus": "north-america", "eastus2": "north-america",
    "francecentral": "europe", "germanywestcentral": "europe", "italynorth": "europe", "japaneast": "asia",
    "japanwest": "asia", "koreacentral": "asia", "northcentralus": "north-america", "northeurope": "europe",
    "norwayeast": "europe", "polandcentral": "europe", "qatarcentral": "middle-east",
    "southafricanorth": "africa", "southcentralus": "north-america", "southeastasia": "asia",
    "spaincentral": "europe", "swedencentral": "europe", "switzerlandnorth": "europe",
    "uaenorth": "middle-east", "uksouth": "europe", "ukwest": "europe", "westeurope": "europe",
    "westus": "north-america", "westus2": "north-america", "westus3": "north-america",
}

OTC_REGIONS: dict[str, Continent] = {"eu-de": "europe", "eu-nl": "europe", "eu-ch2": "europe"}
